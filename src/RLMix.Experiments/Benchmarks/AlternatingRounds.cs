using System.Diagnostics;

namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// One thing timed in rounds: <c>Run(block, steps)</c> performs one block of it, <c>steps</c> steps (block numbers count
/// up over warm-up and timed rounds). The block's time is divided by <c>steps</c>, so an entry must run exactly that many.
/// </summary>
/// <param name="Name">Name in the report.</param>
/// <param name="Run">Runs one block of the given number of steps.</param>
public sealed record TimedEntry(string Name, Action<long, int> Run);

/// <summary>What <see cref="AlternatingRounds.Run"/> returns for a group.</summary>
/// <param name="Times">The timed rounds.</param>
/// <param name="Warmup">How the warm-up ended.</param>
/// <param name="Sampling">How many timed rounds ran and why they stopped.</param>
public sealed record GroupRun(RoundTimes Times, WarmupGroup Warmup, SamplingGroup Sampling);

/// <summary>
/// Times entries in short alternating rounds; ratios between entries are taken within each round.
/// <para>
/// With a reference entry (vanilla), every other entry's block is flanked by reference blocks:
/// <c>V A V B V C V</c>, then <c>C V B V A V</c>, ... (one reference block between any two entries, shared
/// by both), and an entry's per-round ratio is its time over the mean of the two reference blocks around it
/// (<see cref="BenchStatistics.FlankedRatios"/>). A load that drifts linearly during a round then cancels
/// from every ratio (exactly when the two flanking blocks are equally long, to first order otherwise), and
/// every entry runs in the same surroundings: after a reference block and before one. The round-2 data
/// showed why this matters: with one reference block per round (A B C D, then D C B A) the parts of a
/// step, far from vanilla in the round, moved 10-16% between idle runs of 60 rounds, all in one
/// direction within a run. The price is a reference block per entry (a round takes about 1.5x longer with
/// four methods), which also halves the reference's share of each ratio's variance.
/// </para>
/// <para>Without a reference, each entry runs one block per round, in the order A B C for even rounds and C B A for odd ones.</para>
/// <para>Warm-up rounds (same schedule) run first, until <see cref="WarmupCriterion"/> holds for every entry's series or its cap.
/// Then the timed rounds: a minimum, and with a <see cref="PrecisionRule"/> more of the same rounds until the group's
/// reported ratios are precise enough or a cap is reached.</para>
/// </summary>
public static class AlternatingRounds
{
    /// <summary>
    /// The entries' blocks in round <paramref name="round"/>, in order. With a reference: each other entry
    /// followed by a reference block (the block that precedes the first entry is the previous round's last,
    /// or, before round 0, one opening reference block that is not part of any round). Other entries in
    /// index order for even rounds, in reverse for odd ones.
    /// </summary>
    public static IReadOnlyList<int> Schedule(int entries, int? reference, int round)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(entries, 1);
        if (reference is { } v && (v < 0 || v >= entries)) throw new ArgumentOutOfRangeException(nameof(reference));
        var order = Enumerable.Range(0, entries).Where(e => e != reference).ToList();
        if (round % 2 == 1) order.Reverse();
        return reference is { } refIndex ? order.SelectMany(e => new[] { e, refIndex }).ToList() : order;
    }

    /// <summary>
    /// Runs warm-up rounds, then at least <paramref name="minRounds"/> timed rounds; with <paramref name="precision"/>,
    /// more rounds until its rule says stop (<see cref="PrecisionRule"/>), else exactly <paramref name="minRounds"/>.
    /// <paramref name="clock"/> runs a block and returns its wall time in ms (a stopwatch by default; tests pass a
    /// synthetic one); the time cap counts the timed blocks' times as the clock gives them. Entries with
    /// <paramref name="charges"/> are judged (warm-up, precision) with them (<see cref="RoundTimes"/>).
    /// </summary>
    public static GroupRun Run(string group, IReadOnlyList<TimedEntry> entries, int? reference, int minRounds, int steps,
        WarmupCriterion warmup, Action<string> progress, Func<Action, double>? clock = null, PrecisionCheck? precision = null,
        IReadOnlyList<Charge>? charges = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minRounds, 1);
        clock ??= WallClock;
        string series = reference is { } r ? $"per-round ratios to {entries[r].Name}" : "per-step times";
        progress($"{group}: warm-up rounds over {string.Join(", ", entries.Select(e => e.Name))} ({warmup.Describe(series)})");
        long block = 0;
        var recorder = new Recorder(entries, reference, steps, clock);
        var warm = new RoundTimes(entries.Count, reference, charges: charges);
        recorder.Open(warm, block);
        bool stable = false;
        int warmRounds = 0;
        while (warmRounds < warmup.MaxRounds && !stable)
        {
            recorder.Round(warm, warmRounds, block++);
            warmRounds++;
            stable = Enumerable.Range(0, entries.Count).Where(e => e != reference).All(e => warmup.IsStable(warm.Series(e)));
        }
        progress($"{group}: warm-up {(stable ? "stable" : "NOT stable (cap reached)")} after {warmRounds} rounds; timing "
            + (precision is null ? $"{minRounds}" : $"at least {minRounds}") + $" alternating rounds of {steps} step(s) per entry");
        var times = new RoundTimes(entries.Count, reference, warm.LastReference, charges);
        recorder.ElapsedMs = 0;
        var (rounds, stop, wide) = precision is null
            ? (RunFixed(recorder, times, minRounds, warmRounds, block), PrecisionRule.Fixed, (IReadOnlyList<(string Name, double Width)>)[])
            : RunToPrecision(group, recorder, times, minRounds, warmRounds, block, precision, progress);
        var minutes = recorder.ElapsedMs / 60000;
        if (precision is not null)
            progress($"{group}: {rounds} timed rounds ({Describe(stop)})" + (wide.Count > 0 ? $"; still wider than {PrecisionRule.Percent(precision.Rule.Target)}: {Widths(wide)}" : ""));
        return new GroupRun(times, new WarmupGroup(group, warmRounds, stable, warmup.Describe(series)),
            new SamplingGroup(group, minRounds, rounds, stop, minutes, wide.Select(w => w.Name).ToList()));
    }

    static int RunFixed(Recorder recorder, RoundTimes times, int rounds, int warmRounds, long block)
    {
        for (int round = 0; round < rounds; round++) recorder.Round(times, warmRounds + round, block++);
        return rounds;
    }

    static (int Rounds, string Stop, IReadOnlyList<(string Name, double Width)> Wide) RunToPrecision(string group, Recorder recorder, RoundTimes times,
        int minRounds, int warmRounds, long block, PrecisionCheck precision, Action<string> progress)
    {
        var rule = precision.Rule;
        int rounds = 0, nextCheck = minRounds;
        while (true)
        {
            recorder.Round(times, warmRounds + rounds, block++);
            rounds++;
            if (rounds < minRounds) continue;
            IReadOnlyList<(string Name, double Width)>? wide = null;
            if (rounds >= nextCheck)
            {
                wide = precision.Wide(times);
                if (wide.Count == 0) return (rounds, PrecisionRule.PrecisionReached, wide);
                nextCheck = rounds + rule.CheckInterval(rounds);
            }
            string? cap = rounds >= rule.MaxRounds ? PrecisionRule.MaxRoundsReached
                : recorder.ElapsedMs >= rule.MaxMinutes * 60000 ? PrecisionRule.MaxTimeReached
                : null;
            if (cap is not null) return (rounds, cap, wide ?? precision.Wide(times));
            if (wide is not null) progress($"{group}: after {rounds} rounds, wider than {PrecisionRule.Percent(rule.Target)}: {Widths(wide)}");
        }
    }

    static string Widths(IEnumerable<(string Name, double Width)> wide) => string.Join(", ", wide.Select(w => $"{w.Name} {PrecisionRule.Percent(w.Width)}"));

    static string Describe(string stop) => stop switch
    {
        PrecisionRule.PrecisionReached => "every ratio within the precision target",
        PrecisionRule.MaxRoundsReached => "round cap reached",
        PrecisionRule.MaxTimeReached => "time cap reached",
        _ => stop,
    };

    static double WallClock(Action run)
    {
        var sw = Stopwatch.StartNew();
        run();
        return sw.Elapsed.TotalMilliseconds;
    }

    sealed class Recorder(IReadOnlyList<TimedEntry> entries, int? reference, int steps, Func<Action, double> clock)
    {
        /// <summary>Sum of the blocks' times (ms, as the clock gives them) since it was last reset.</summary>
        public double ElapsedMs { get; set; }

        double Time(int e, long block)
        {
            var ms = clock(() => entries[e].Run(block, steps));
            ElapsedMs += ms;
            return ms / steps;
        }

        public void Open(RoundTimes into, long block)
        {
            if (reference is { } v) into.AddOpening(Time(v, block));
        }

        public void Round(RoundTimes into, int round, long block)
        {
            foreach (var e in Schedule(entries.Count, reference, round)) into.Add(e, Time(e, block));
        }
    }
}

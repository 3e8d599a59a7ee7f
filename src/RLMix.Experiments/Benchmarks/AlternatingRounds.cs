using System.Diagnostics;

namespace RLMix.Experiments.Benchmarks;

/// <summary>One thing timed in rounds: <c>Run(block)</c> performs <c>steps</c> steps of it (block numbers count up over warm-up and timed rounds).</summary>
sealed record TimedEntry(string Name, Action<long> Run);

/// <summary>
/// Times entries in short alternating rounds: in round r every entry runs one block, in the order
/// A B C ... for even r and ... C B A for odd r (so a load that drifts within a round hits the entries
/// alike on average). Warm-up rounds run first, until <see cref="WarmupCriterion"/> holds for every entry
/// or its cap. Ratios between entries are then taken within each round (<see cref="BenchStatistics"/>).
/// </summary>
static class AlternatingRounds
{
    /// <summary>Per entry, the mean time of one step (ms) in each timed round; and how the warm-up ended.</summary>
    public static (List<double>[] Times, WarmupGroup Warmup) Run(string group, IReadOnlyList<TimedEntry> entries, int rounds, int steps,
        WarmupCriterion warmup, Action<string> progress)
    {
        progress($"{group}: warm-up rounds over {string.Join(", ", entries.Select(e => e.Name))} ({warmup.Describe()})");
        long block = 0;
        var warm = entries.Select(_ => new List<double>()).ToArray();
        bool stable = false;
        int warmRounds = 0;
        while (warmRounds < warmup.MaxRounds && !stable)
        {
            RunRound(entries, warmRounds, steps, ref block, warm);
            warmRounds++;
            stable = warm.All(warmup.IsStable);
        }
        progress($"{group}: warm-up {(stable ? "stable" : "NOT stable (cap reached)")} after {warmRounds} rounds; timing {rounds} alternating rounds of {steps} step(s) per entry");
        var times = entries.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < rounds; r++) RunRound(entries, r, steps, ref block, times);
        return (times, new WarmupGroup(group, warmRounds, stable, warmup.Describe()));
    }

    static void RunRound(IReadOnlyList<TimedEntry> entries, int round, int steps, ref long block, List<double>[] times)
    {
        for (int k = 0; k < entries.Count; k++)
        {
            int e = round % 2 == 0 ? k : entries.Count - 1 - k;
            var sw = Stopwatch.StartNew();
            entries[e].Run(block);
            times[e].Add(sw.Elapsed.TotalMilliseconds / steps);
        }
        block++;
    }
}

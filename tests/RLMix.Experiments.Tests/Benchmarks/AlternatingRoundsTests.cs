using RLMix.Experiments.Benchmarks;

namespace RLMix.Experiments.Tests.Benchmarks;

public sealed class AlternatingRoundsTests
{
    static readonly WarmupCriterion NoWarmup = new(MaxRounds: 0);

    [Fact]
    public void Schedule_FlanksEveryEntryWithTheReference_InAlternatingOrder()
    {
        Assert.Equal([1, 0, 2, 0, 3, 0], AlternatingRounds.Schedule(4, 0, 0));
        Assert.Equal([3, 0, 2, 0, 1, 0], AlternatingRounds.Schedule(4, 0, 1));
        Assert.Equal([0, 1, 2], AlternatingRounds.Schedule(3, null, 0));
        Assert.Equal([2, 1, 0], AlternatingRounds.Schedule(3, null, 1));
    }

    [Fact]
    public void Ratios_AreTakenAgainstTheMeanOfTheFlankingReferenceBlocks()
    {
        // Blocks in order: opening V 100; round 0: A 150, V 110, B 240, V 120; round 1: B 260, V 130, A 200, V 140.
        var (times, entries) = Scripted([100, 150, 110, 240, 120, 260, 130, 200, 140]);
        var (rounds, _, _) = AlternatingRounds.Run("t", entries, reference: 0, minRounds: 2, steps: 1, NoWarmup, _ => { }, times);

        Assert.Equal(2, rounds.Rounds);
        Assert.Equal([110.0, 120.0, 130.0, 140.0], rounds.Times(0));
        Assert.Equal([150.0, 200.0], rounds.Times(1));
        Assert.Equal([240.0, 260.0], rounds.Times(2));
        AssertClose([150 / 105.0, 200 / 135.0], rounds.Ratios(1, 0));     // A between 100 and 110, then between 130 and 140
        AssertClose([240 / 115.0, 260 / 125.0], rounds.Ratios(2, 0));     // B between 110 and 120, then between 120 and 130
        AssertClose([1.0, 1.0], rounds.Ratios(0, 0));
        // Between two other entries: the quotient of their ratios to the reference, 0.684524 and 0.712251.
        AssertClose([150.0 * 115 / (105 * 240), 200.0 * 125 / (135 * 260)], rounds.Ratios(1, 2));
        Assert.Equal(0.684524, rounds.Ratios(1, 2)[0], 6);
    }

    [Fact]
    public void AChargedEntry_IsReportedWithItsShareOfThePart_RoundByRound()
    {
        // Same blocks as above; A (entry 1) is charged 0.25 of B (entry 2) per step, as RL-Mix's step is charged its PPO minibatches.
        var (times, entries) = Scripted([100, 150, 110, 240, 120, 260, 130, 200, 140]);
        var (rounds, _, _) = AlternatingRounds.Run("t", entries, reference: 0, minRounds: 2, steps: 1, NoWarmup, _ => { }, times,
            charges: [new Charge(1, 2, 0.25)]);

        Assert.Equal([150 + 0.25 * 240, 200 + 0.25 * 260], rounds.Times(1));
        Assert.Equal([150.0, 200.0], rounds.Times(1, charged: false));
        Assert.Equal([240.0, 260.0], rounds.Times(2));
        // A's flanked ratio plus a quarter of B's: A sat between 100 and 110, B between 110 and 120 (round 0).
        AssertClose([150 / 105.0 + 0.25 * 240 / 115.0, 200 / 135.0 + 0.25 * 260 / 125.0], rounds.Ratios(1, 0));
        AssertClose([150 / 105.0, 200 / 135.0], rounds.Ratios(1, 0, charged: false));
        AssertClose([240 / 115.0, 260 / 125.0], rounds.Ratios(2, 0));
        AssertClose([(150 / 105.0 + 0.25 * 240 / 115.0) / (240 / 115.0), (200 / 135.0 + 0.25 * 260 / 125.0) / (260 / 125.0)], rounds.Ratios(1, 2));
    }

    [Theory]
    [InlineData(0, 2, 0.5)]    // the reference cannot be charged
    [InlineData(1, 0, 0.5)]    // nor charged to an entry
    [InlineData(1, 1, 0.5)]    // an entry is not its own part
    [InlineData(1, 3, 0.5)]    // no such entry
    [InlineData(1, 2, -0.1)]   // a negative rate
    public void AChargeThatIsNotAPartOfItsOwn_IsRefused(int entry, int part, double perStep)
    {
        var (times, entries) = Scripted([100, 150, 110, 240, 120]);
        Assert.Throws<ArgumentException>(() => AlternatingRounds.Run("t", entries, reference: 0, minRounds: 1, steps: 1, NoWarmup, _ => { }, times,
            charges: [new Charge(entry, part, perStep)]));
    }

    [Fact]
    public void Ratios_WithoutAReference_AreTakenBetweenBlocksOfTheSameRound()
    {
        // Round 0: A 10, B 30; round 1: B 45, A 15.
        var (times, entries) = Scripted([10, 30, 45, 15]);
        var (rounds, _, _) = AlternatingRounds.Run("t", entries[..2], reference: null, minRounds: 2, steps: 1, NoWarmup, _ => { }, times);
        AssertClose([3.0, 3.0], rounds.Ratios(1, 0));
    }

    [Fact]
    public void StepsPerBlock_DivideTheBlockTime()
    {
        var (times, entries) = Scripted([400, 800, 440]);
        var (rounds, _, _) = AlternatingRounds.Run("t", entries[..2], reference: 0, minRounds: 1, steps: 4, NoWarmup, _ => { }, times);
        Assert.Equal([200.0], rounds.Times(1));
        Assert.Equal([110.0], rounds.Times(0));
    }

    [Fact]
    public void EveryBlock_IsAskedForTheStepsItsTimeIsDividedBy()
    {
        var asked = new List<int>();
        var entries = new[] { new TimedEntry("v", (_, steps) => asked.Add(steps)), new TimedEntry("a", (_, steps) => asked.Add(steps)) };
        AlternatingRounds.Run("t", entries, reference: 0, minRounds: 2, steps: 4, NoWarmup, _ => { }, run => { run(); return 1; });
        Assert.Equal(Enumerable.Repeat(4, 5), asked);   // V, then A V per round
    }

    [Fact]
    public void ALinearDriftWithinRounds_CancelsFromFlankedRatios_ButSpreadsSingleReferenceRatios()
    {
        // The machine slows by 5% of the base time with every block: block k of an entry with base time b takes b (1 + 0.05 k).
        double[] bases = [80, 160, 60, 120];
        var flanked = Drifting(bases, reference: 0);
        for (int e = 1; e < bases.Length; e++)
            Assert.All(flanked.Ratios(e, 0), r => Assert.Equal(bases[e] / bases[0], r, 12));

        // One vanilla block per round (the earlier scheme): the same drift makes the per-round ratios alternate
        // around the true one (2.0 for entry 1): 2 x 1.05 / 1 = 2.10 in round 0, 2 x 1.30 / 1.35 = 1.93 in round 1.
        var single = Drifting(bases, reference: null);
        var ratios = single.Ratios(1, 0);
        Assert.Equal(2.1, ratios[0], 12);
        Assert.Equal(2.6 / 1.35, ratios[1], 12);
    }

    [Fact]
    public void Warmup_JudgesRatios_SoAMachineWideDriftDoesNotBlockIt()
    {
        double[] bases = [80, 160, 60];
        var (_, flanked, _) = AlternatingRounds.Run("t", Entries(bases.Length, out var current), 0, 2, 1, new WarmupCriterion(), _ => { }, DriftClock(bases, current));
        Assert.True(flanked.Stable);
        Assert.Equal(6, flanked.Rounds);                  // two windows of 3 rounds: the earliest possible
        Assert.Contains("ratios to e0", flanked.Criterion);

        // The same drift in raw times (a group without a reference) never settles: every round is slower.
        var (_, raw, _) = AlternatingRounds.Run("t", Entries(bases.Length, out current), null, 2, 1, new WarmupCriterion(), _ => { }, DriftClock(bases, current));
        Assert.False(raw.Stable);
        Assert.Equal(12, raw.Rounds);
    }

    [Fact]
    public void Warmup_WaitsForAnEntryThatIsStillWarmingUp()
    {
        // Entry 1 is 3x and 2x slower in its first two blocks (a JIT-like start), then steady at 2x the reference.
        int calls = 0;
        var (_, warmup, _) = AlternatingRounds.Run("t", Entries(2, out var current), 0, 1, 1, new WarmupCriterion(), _ => { }, run =>
        {
            run();
            if (current[0] == 0) return 100;
            return 200 * (++calls switch { 1 => 3, 2 => 2, _ => 1 });
        });
        // Ratios 6, 4, 2, 2, 2, 2: at 6 rounds the windows' medians are 4 and 2 with no noise; at 7 both are 2.
        Assert.True(warmup.Stable);
        Assert.Equal(7, warmup.Rounds);
    }

    static RoundTimes Drifting(double[] bases, int? reference)
    {
        var (rounds, _, _) = AlternatingRounds.Run("t", Entries(bases.Length, out var current), reference, 6, 1, NoWarmup, _ => { }, DriftClock(bases, current));
        return rounds;
    }

    static Func<Action, double> DriftClock(double[] bases, int[] current)
    {
        int block = 0;
        return run => { run(); return bases[current[0]] * (1 + 0.05 * block++); };
    }

    /// <summary>Entries e0, e1, ... whose Run records which one ran in <paramref name="current"/>[0].</summary>
    static TimedEntry[] Entries(int n, out int[] current)
    {
        var cell = new int[1];
        current = cell;
        return Enumerable.Range(0, n).Select(i => new TimedEntry($"e{i}", (_, _) => cell[0] = i)).ToArray();
    }

    /// <summary>Three entries and a clock that returns <paramref name="ms"/> in order, one per block.</summary>
    static (Func<Action, double> Clock, TimedEntry[] Entries) Scripted(double[] ms)
    {
        int k = 0;
        return (run => { run(); return ms[k++]; }, Entries(3, out _));
    }

    static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 12);
    }
}

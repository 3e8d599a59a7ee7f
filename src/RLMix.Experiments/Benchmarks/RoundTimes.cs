namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// The per-step times of a group of entries over rounds (<see cref="AlternatingRounds"/>): for every entry
/// other than the reference, its time in each round and, with a reference, the two reference blocks that
/// flank it; for the reference, all its blocks.
/// </summary>
public sealed class RoundTimes
{
    readonly List<double>[] times;
    readonly List<double>[] before;
    readonly List<double>[] after;
    readonly List<double> referenceBlocks = [];
    int pending = -1;

    /// <summary>An empty record of <paramref name="entries"/> entries; <paramref name="lastReference"/> is the reference block that precedes the first round (from the warm-up).</summary>
    internal RoundTimes(int entries, int? reference, double? lastReference = null)
    {
        Reference = reference;
        times = Enumerable.Range(0, entries).Select(_ => new List<double>()).ToArray();
        before = Enumerable.Range(0, entries).Select(_ => new List<double>()).ToArray();
        after = Enumerable.Range(0, entries).Select(_ => new List<double>()).ToArray();
        LastReference = lastReference;
    }

    /// <summary>Index of the reference entry, or null for a group timed without one.</summary>
    public int? Reference { get; }

    /// <summary>The latest reference block (ms per step), if any.</summary>
    public double? LastReference { get; private set; }

    /// <summary>Number of entries.</summary>
    public int Entries => times.Length;

    /// <summary>Timed rounds recorded.</summary>
    public int Rounds => Enumerable.Range(0, Entries).Where(e => e != Reference).Select(e => times[e].Count).DefaultIfEmpty(0).First();

    /// <summary>The reference block that precedes the first round.</summary>
    internal void AddOpening(double ms) => LastReference = ms;

    /// <summary>Records a block of entry <paramref name="entry"/> (ms per step), in the order the blocks ran.</summary>
    internal void Add(int entry, double ms)
    {
        if (entry != Reference)
        {
            if (Reference is not null && LastReference is null) throw new InvalidOperationException("The opening reference block is missing.");
            times[entry].Add(ms);
            if (Reference is not null) { before[entry].Add(LastReference!.Value); pending = entry; }
            return;
        }
        if (pending >= 0) { after[pending].Add(ms); pending = -1; }
        referenceBlocks.Add(ms);
        LastReference = ms;
    }

    /// <summary>Entry <paramref name="entry"/>'s time per step in each round; for the reference, every one of its blocks.</summary>
    public IReadOnlyList<double> Times(int entry) => entry == Reference ? referenceBlocks : times[entry];

    /// <summary>
    /// Per-round ratios of <paramref name="entry"/> to <paramref name="to"/>. With a reference, each entry's
    /// ratio to the reference is taken against its flanking blocks, and a ratio between two other entries is
    /// the quotient of their ratios to the reference in the round. Without one, the times in the same round.
    /// </summary>
    public double[] Ratios(int entry, int to)
    {
        if (Reference is not { } v) return BenchStatistics.PerRoundRatios(times[entry], times[to]);
        var a = ToReference(entry, v);
        if (to == v) return a;
        var b = ToReference(to, v);
        return a.Select((x, r) => x / b[r]).ToArray();
    }

    double[] ToReference(int entry, int v) =>
        entry == v ? Enumerable.Repeat(1.0, Rounds).ToArray() : BenchStatistics.FlankedRatios(times[entry], before[entry], after[entry]);

    /// <summary>The series the warm-up judges for an entry: its per-round ratios to the reference, or its per-step times without one.</summary>
    public IReadOnlyList<double> Series(int entry) => Reference is { } v ? Ratios(entry, v) : times[entry];
}

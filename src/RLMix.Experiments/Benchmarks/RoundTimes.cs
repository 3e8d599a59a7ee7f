namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// Entry <paramref name="Entry"/>'s step is charged <paramref name="PerStep"/> times entry <paramref name="Part"/>'s
/// time: a method's periodic work, timed on its own in the same rounds (<see cref="Training.IPeriodicWork"/>).
/// </summary>
public sealed record Charge(int Entry, int Part, double PerStep);

/// <summary>
/// The per-step times of a group of entries over rounds (<see cref="AlternatingRounds"/>): for every entry
/// other than the reference, its time in each round and, with a reference, the two reference blocks that
/// flank it; for the reference, all its blocks. An entry with a <see cref="Charge"/> is reported with it:
/// its time in a round plus the charge's share of the part's time in the same round, its ratio to the
/// reference likewise the sum of the two flanked ratios.
/// </summary>
public sealed class RoundTimes
{
    readonly Dictionary<int, Charge> charges;
    readonly List<double>[] times;
    readonly List<double>[] before;
    readonly List<double>[] after;
    readonly List<double> referenceBlocks = [];
    int pending = -1;

    /// <summary>An empty record of <paramref name="entries"/> entries; <paramref name="lastReference"/> is the reference block that precedes the first round (from the warm-up).</summary>
    internal RoundTimes(int entries, int? reference, double? lastReference = null, IReadOnlyList<Charge>? charges = null)
    {
        Reference = reference;
        this.charges = (charges ?? []).ToDictionary(c => c.Entry);
        foreach (var c in this.charges.Values)
            if (c.Entry == reference || c.Part == reference || c.Entry == c.Part || this.charges.ContainsKey(c.Part) || c.Part < 0 || c.Part >= entries || c.PerStep < 0)
                throw new ArgumentException($"A charge must take a part of its own, not the reference, at a rate of at least 0: {c}.", nameof(charges));
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

    /// <summary>
    /// Entry <paramref name="entry"/>'s time per step in each round, with its charge unless <paramref name="charged"/> is
    /// false; for the reference, every one of its blocks.
    /// </summary>
    public IReadOnlyList<double> Times(int entry, bool charged = true) =>
        entry == Reference ? referenceBlocks
        : charged && charges.TryGetValue(entry, out var c) ? times[entry].Select((t, r) => t + c.PerStep * times[c.Part][r]).ToArray()
        : times[entry];

    /// <summary>
    /// Per-round ratios of <paramref name="entry"/> to <paramref name="to"/>. With a reference, each entry's
    /// ratio to the reference is taken against its flanking blocks, and a ratio between two other entries is
    /// the quotient of their ratios to the reference in the round. Without one, the times in the same round.
    /// Charged entries with their charges unless <paramref name="charged"/> is false.
    /// </summary>
    public double[] Ratios(int entry, int to, bool charged = true)
    {
        if (Reference is not { } v) return BenchStatistics.PerRoundRatios(Times(entry, charged), Times(to, charged));
        var a = ToReference(entry, v, charged);
        if (to == v) return a;
        var b = ToReference(to, v, charged);
        return a.Select((x, r) => x / b[r]).ToArray();
    }

    double[] ToReference(int entry, int v, bool charged)
    {
        if (entry == v) return Enumerable.Repeat(1.0, Rounds).ToArray();
        var own = BenchStatistics.FlankedRatios(times[entry], before[entry], after[entry]);
        if (!charged || !charges.TryGetValue(entry, out var c)) return own;
        var part = BenchStatistics.FlankedRatios(times[c.Part], before[c.Part], after[c.Part]);
        return own.Select((x, r) => x + c.PerStep * part[r]).ToArray();
    }

    /// <summary>The series the warm-up judges for an entry: its per-round ratios to the reference, or its per-step times without one.</summary>
    public IReadOnlyList<double> Series(int entry) => Reference is { } v ? Ratios(entry, v) : Times(entry);
}

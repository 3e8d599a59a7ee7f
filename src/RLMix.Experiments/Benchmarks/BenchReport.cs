namespace RLMix.Experiments.Benchmarks;

/// <summary>The JSON that <c>rlmix bench --out</c> writes (documented in the README).</summary>
/// <param name="Device">Torch device.</param>
/// <param name="Model">Model name.</param>
/// <param name="BatchSize">Images per batch.</param>
/// <param name="Image">[C, H, W].</param>
/// <param name="Steps">Minimum timed rounds per group (<see cref="Precision"/> has the rounds each group ran).</param>
/// <param name="BlockSteps">Steps per method per round.</param>
/// <param name="Data">The images and the pre-training (see <c>BenchData</c>).</param>
/// <param name="Machine">Build, threads, CPU, load.</param>
/// <param name="Warmup">How the warm-up ended.</param>
/// <param name="Precision">The precision rule and, per group, how many rounds ran and why they stopped.</param>
/// <param name="BootstrapResamples">Resamples per interval.</param>
/// <param name="WideIntervalThreshold">Relative interval width above which a ratio is flagged.</param>
/// <param name="WideIntervals">Names of methods and parts whose interval is wider than that.</param>
/// <param name="Methods">Per-method step times and ratios to vanilla.</param>
/// <param name="Pairs">Per-round ratios between two methods other than vanilla (RL-Mix to R-Mix).</param>
/// <param name="Parts">Parts of a step and the mixers on their own.</param>
/// <param name="Memory">Memory growth per method.</param>
/// <param name="Versions">RLMix, TorchSharp, libtorch versions.</param>
public sealed record BenchReport(
    string Device, string Model, int BatchSize, int[] Image, int Steps, int BlockSteps, string Data,
    MachineInfo Machine, WarmupReport Warmup, PrecisionReport Precision, int BootstrapResamples, double WideIntervalThreshold, IReadOnlyList<string> WideIntervals,
    IReadOnlyList<MethodTiming> Methods, IReadOnlyList<PairRatio> Pairs, IReadOnlyList<PartTiming> Parts, IReadOnlyList<MemoryGrowth> Memory,
    IReadOnlyDictionary<string, string> Versions);

/// <summary>How the warm-up of a group of timed entries ended.</summary>
/// <param name="Group">"steps" (methods and in-round parts) or "mixing" (the mixers on their own).</param>
/// <param name="Rounds">Warm-up rounds run.</param>
/// <param name="Stable">Whether the criterion was met (false: the cap was reached).</param>
/// <param name="Criterion">The criterion in words.</param>
public sealed record WarmupGroup(string Group, int Rounds, bool Stable, string Criterion);

/// <summary>The warm-ups of the benchmark's groups.</summary>
/// <param name="Groups">One per group of entries timed in alternating rounds.</param>
public sealed record WarmupReport(IReadOnlyList<WarmupGroup> Groups);

/// <summary>How many timed rounds a group ran and why it stopped.</summary>
/// <param name="Group">"steps" or "mixing".</param>
/// <param name="MinRounds">The minimum (<c>--steps</c>).</param>
/// <param name="Rounds">Timed rounds run.</param>
/// <param name="Stop"><c>precision_reached</c>, <c>max_rounds</c>, <c>max_time</c>, or <c>fixed</c> (no rule applied).</param>
/// <param name="Minutes">Time of the group's timed blocks.</param>
/// <param name="StillWide">The group's ratios whose interval was still wider than the target when it stopped.</param>
public sealed record SamplingGroup(string Group, int MinRounds, int Rounds, string Stop, double Minutes, IReadOnlyList<string> StillWide);

/// <summary>The precision rule of the run (<see cref="PrecisionRule"/>) and what it did in each group.</summary>
/// <param name="Target">Largest relative interval width (high - low) / median at which a group stops.</param>
/// <param name="MaxRounds">Cap on a group's timed rounds.</param>
/// <param name="MaxMinutes">Cap on a group's timed blocks' time.</param>
/// <param name="CheckEvery">Smallest number of rounds between two precision checks.</param>
/// <param name="Rule">The rule in words.</param>
/// <param name="Groups">One per group of entries timed in alternating rounds.</param>
public sealed record PrecisionReport(double Target, int MaxRounds, double MaxMinutes, int CheckEvery, string Rule, IReadOnlyList<SamplingGroup> Groups)
{
    /// <summary>The report of <paramref name="rule"/> applied to <paramref name="groups"/>.</summary>
    public static PrecisionReport Of(PrecisionRule rule, IReadOnlyList<SamplingGroup> groups) =>
        new(rule.Target, rule.MaxRounds, rule.MaxMinutes, rule.CheckEvery, rule.Describe(), groups);
}

/// <summary>
/// One method's full training step: the median over rounds of its per-step time, and
/// <paramref name="RatioToVanilla"/> = the median over rounds of (its time / the mean of the two vanilla blocks
/// around it in the same round), with the bootstrap 95% interval and the quartiles of those per-round ratios,
/// which <paramref name="RoundRatios"/> lists in round order. <paramref name="OutlierRoundFraction"/>: the share of
/// rounds outside Tukey's fences (<see cref="RatioSummary.OutlierFraction"/>), kept in the median and interval.
/// A method with periodic work (<paramref name="Charged"/>) is reported with its share of it in every round.
/// </summary>
public sealed record MethodTiming(string Method, double MedianMs, double RatioToVanilla, double[] RatioCi95, double[] RatioQuartiles, double IntervalWidth, bool WideInterval,
    double[] RoundRatios, double OutlierRoundFraction, ChargedWork? Charged = null)
{
    /// <summary>From the entry's per-round times, its per-round ratios to vanilla and their summary.</summary>
    public static MethodTiming From(string method, IReadOnlyList<double> times, double[] ratios, RatioSummary r, double wide, ChargedWork? charged = null) =>
        new(method, BenchStatistics.Median(times), r.Median, [r.Low, r.High], [r.Q25, r.Q75], r.RelativeWidth, r.RelativeWidth > wide, ratios, r.OutlierFraction, charged);
}

/// <summary>
/// The periodic work charged to a method's step (<see cref="Training.IPeriodicWork"/>): the part that timed one unit
/// of it on its own in the same rounds, the units charged per step and how they follow from the method's options,
/// and the step without the charge: its median time, its per-round ratios to vanilla and their median. The method's
/// round ratio is the one without plus <paramref name="UnitsPerStep"/> times the part's in the same round.
/// </summary>
public sealed record ChargedWork(string Part, double UnitsPerStep, string Basis, double MedianMsWithout, double RatioToVanillaWithout, double[] RoundRatiosWithout);

/// <summary>
/// The median over rounds of <paramref name="Method"/>'s time over <paramref name="To"/>'s in the same round, with its
/// bootstrap 95% interval and the share of rounds outside Tukey's fences (kept in the median and interval).
/// </summary>
public sealed record PairRatio(string Method, string To, double Ratio, double[] RatioCi95, bool WideInterval, double OutlierRoundFraction);

/// <summary>
/// Median wall time of one part (saliency pass, Co-Mixup clean backward, mixing, solver, ...), and, where it
/// was timed in rounds beside a reference entry (<paramref name="RatioTo"/>), the median per-round ratio to it
/// with its bootstrap 95% interval, the per-round ratios in round order, and the share of rounds outside Tukey's
/// fences (kept in the median and interval).
/// </summary>
public sealed record PartTiming(string Name, double MedianMs, string? RatioTo = null, double? Ratio = null, double[]? RatioCi95 = null, bool? WideInterval = null,
    double[]? RoundRatios = null, double? OutlierRoundFraction = null);

/// <summary>Process memory before and after <paramref name="Steps"/> steps of a method, and live tensors.</summary>
public sealed record MemoryGrowth(string Method, double RssMbStart, double RssMbEnd, double ManagedMbStart, double ManagedMbEnd, long LiveTensorsStart, long LiveTensorsEnd, int Steps);

namespace RLMix.Experiments.Benchmarks;

/// <summary>The JSON that <c>rlmix bench --out</c> writes (documented in the README).</summary>
/// <param name="Device">Torch device.</param>
/// <param name="Model">Model name.</param>
/// <param name="BatchSize">Images per batch.</param>
/// <param name="Image">[C, H, W].</param>
/// <param name="Steps">Timed rounds.</param>
/// <param name="BlockSteps">Steps per method per round.</param>
/// <param name="Data">The images and the pre-training (see <c>BenchData</c>).</param>
/// <param name="Machine">Build, threads, CPU, load.</param>
/// <param name="Warmup">How the warm-up ended.</param>
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
    MachineInfo Machine, WarmupReport Warmup, int BootstrapResamples, double WideIntervalThreshold, IReadOnlyList<string> WideIntervals,
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

/// <summary>
/// One method's full training step: the median over rounds of its per-step time, and
/// <paramref name="RatioToVanilla"/> = the median over rounds of (its time / the mean of the two vanilla blocks
/// around it in the same round), with the bootstrap 95% interval and the quartiles of those per-round ratios,
/// which <paramref name="RoundRatios"/> lists in round order.
/// </summary>
public sealed record MethodTiming(string Method, double MedianMs, double RatioToVanilla, double[] RatioCi95, double[] RatioQuartiles, double IntervalWidth, bool WideInterval,
    double[] RoundRatios)
{
    /// <summary>From the entry's per-round times, its per-round ratios to vanilla and their summary.</summary>
    public static MethodTiming From(string method, IReadOnlyList<double> times, double[] ratios, RatioSummary r, double wide) =>
        new(method, BenchStatistics.Median(times), r.Median, [r.Low, r.High], [r.Q25, r.Q75], r.RelativeWidth, r.RelativeWidth > wide, ratios);
}

/// <summary>The median over rounds of <paramref name="Method"/>'s time over <paramref name="To"/>'s in the same round, with its bootstrap 95% interval.</summary>
public sealed record PairRatio(string Method, string To, double Ratio, double[] RatioCi95, bool WideInterval);

/// <summary>
/// Median wall time of one part (saliency pass, Co-Mixup clean backward, mixing, solver, ...), and, where it
/// was timed in rounds beside a reference entry (<paramref name="RatioTo"/>), the median per-round ratio to it
/// with its bootstrap 95% interval and the per-round ratios in round order.
/// </summary>
public sealed record PartTiming(string Name, double MedianMs, string? RatioTo = null, double? Ratio = null, double[]? RatioCi95 = null, bool? WideInterval = null,
    double[]? RoundRatios = null);

/// <summary>Process memory before and after <paramref name="Steps"/> steps of a method, and live tensors.</summary>
public sealed record MemoryGrowth(string Method, double RssMbStart, double RssMbEnd, double ManagedMbStart, double ManagedMbEnd, long LiveTensorsStart, long LiveTensorsEnd, int Steps);

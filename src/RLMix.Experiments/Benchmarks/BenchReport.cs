namespace RLMix.Experiments.Benchmarks;

/// <summary>The JSON that <c>rlmix bench --out</c> writes (documented in the README).</summary>
public sealed record BenchReport(
    string Device, string Model, int BatchSize, int[] Image, int Steps,
    IReadOnlyList<MethodTiming> Methods, IReadOnlyList<PartTiming> Parts, IReadOnlyList<MemoryGrowth> Memory,
    IReadOnlyDictionary<string, string> Versions);

/// <summary>Median wall time of one full training step of a method, and its ratio to vanilla.</summary>
public sealed record MethodTiming(string Method, double MedianMs, double RatioToVanilla);

/// <summary>Median wall time of one part of a step (saliency pass, Co-Mixup solver, ...).</summary>
public sealed record PartTiming(string Name, double MedianMs);

/// <summary>Process memory before and after <paramref name="Steps"/> steps of a method, and live tensors.</summary>
public sealed record MemoryGrowth(string Method, double RssMbStart, double RssMbEnd, double ManagedMbStart, double ManagedMbEnd, long LiveTensorsStart, long LiveTensorsEnd, int Steps);

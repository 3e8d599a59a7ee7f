namespace RLMix.Experiments.Benchmarks;

/// <summary>What the step benchmark measures.</summary>
public sealed record BenchOptions
{
    /// <summary>Methods to time. The default value is every registered method.</summary>
    public IReadOnlyList<string>? Methods { get; init; }

    /// <summary>Model name. The default value is small-cnn.</summary>
    public string Model { get; init; } = "small-cnn";

    /// <summary>Batch size. The default value is 100.</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Image shape [C, H, W]. The default value is [3, 32, 32].</summary>
    public int[] Image { get; init; } = [3, 32, 32];

    /// <summary>Timed samples per method (interleaved rounds of <see cref="BlockSteps"/> steps). The default value is 30.</summary>
    public int Steps { get; init; } = 30;

    /// <summary>Consecutive steps of a method per timed sample (the sample is their mean); RL-Mix's agent updates once per block. The default value is 4.</summary>
    public int BlockSteps { get; init; } = 4;

    /// <summary>Untimed warm-up steps per method. The default value is 5.</summary>
    public int WarmupSteps { get; init; } = 5;

    /// <summary>Steps per method of the memory check (0 skips it). The default value is 200.</summary>
    public int MemorySteps { get; init; } = 200;

    /// <summary>Torch device. The default value is cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Method option sections (as in a run config); absent sections take the defaults. The default value is none.</summary>
    public Training.MethodSettings? MethodOptions { get; init; }

    /// <summary>Seed of the synthetic batch and the models. The default value is 0.</summary>
    public long Seed { get; init; }
}

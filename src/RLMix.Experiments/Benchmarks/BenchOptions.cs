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

    /// <summary>Image shape [C, H, W] (H = W, at least 28: fashion-mnist-mini is padded to it and repeated over C). The default value is [3, 32, 32].</summary>
    public int[] Image { get; init; } = [3, 32, 32];

    /// <summary>
    /// Minimum timed rounds of each group: in each round, every method (and every in-round part) runs one block of
    /// <see cref="BlockSteps"/> steps, in alternating order, each between two vanilla blocks; <see cref="Precision"/>
    /// then adds rounds while a ratio's interval is wide. The default value is 45. Why: on the idle 2-core
    /// machine, 60 rounds of the earlier scheme (one vanilla block per round) gave intervals about half as wide as
    /// 30 (13 of 21 within 10%). With independent noise per block, a flanked ratio has 1.5 blocks' variance against 2
    /// for the earlier scheme, so 45 rounds carry what 60 did, and a drift within a round cancels on top.
    /// </summary>
    public int Steps { get; init; } = 45;

    /// <summary>Consecutive steps of a method per timed sample (the sample is their mean). The default value is 4.</summary>
    public int BlockSteps { get; init; } = 4;

    /// <summary>When each group stops adding timed rounds after the minimum (<see cref="Steps"/>). The default value is <see cref="PrecisionRule"/>'s defaults.</summary>
    public PrecisionRule Precision { get; init; } = new();

    /// <summary>When the warm-up rounds stop. The default value is <see cref="WarmupCriterion"/>'s defaults.</summary>
    public WarmupCriterion Warmup { get; init; } = new();

    /// <summary>Vanilla steps that train the model on the bench's real images before timing (so that its saliency has a realistic shape). The default value is 60.</summary>
    public int PretrainSteps { get; init; } = 60;

    /// <summary>Bootstrap resamples of each interval (seeded with <see cref="Seed"/>: deterministic). The default value is 2,000.</summary>
    public int BootstrapResamples { get; init; } = BenchStatistics.DefaultResamples;

    /// <summary>A ratio whose 95% interval is wider than this fraction of it is flagged. The default value is 0.10.</summary>
    public double WideInterval { get; init; } = 0.10;

    /// <summary>Steps per method of the memory check (0 skips it). The default value is 200.</summary>
    public int MemorySteps { get; init; } = 200;

    /// <summary>Torch device. The default value is cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Method option sections (as in a run config); absent sections take the defaults. The default value is none.</summary>
    public Training.MethodSettings? MethodOptions { get; init; }

    /// <summary>Seed of the data order, the models, the pre-training and the bootstrap. The default value is 0.</summary>
    public long Seed { get; init; }
}

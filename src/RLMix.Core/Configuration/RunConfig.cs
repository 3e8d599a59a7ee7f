using RLMix.Data;
using RLMix.Training;

namespace RLMix.Configuration;

/// <summary>
/// The resolved configuration of one training run: JSON config file, then command-line options
/// (options win). Written to <c>config.json</c> in the run directory.
/// </summary>
public sealed record RunConfig
{
    /// <summary>Training method (see <see cref="MethodCatalog.Names"/>). The default value is vanilla.</summary>
    public string Method { get; init; } = "vanilla";

    /// <summary>Model name: small-cnn or preact-resnet18. The default value is small-cnn.</summary>
    public string Model { get; init; } = "small-cnn";

    /// <summary>Number of epochs. The default value is 2.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Root seed; every consumer (data order, model init, mixer, env, agent) gets its own generator derived from it. The default value is 0.</summary>
    public long Seed { get; init; }

    /// <summary>Torch device: cpu or cuda. The default value is cpu.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// Layout of the model's activations: channels_last (NHWC in memory; measured 1.5-2.2x faster per core on CPU for the small CNN, see
    /// README, Speed) or contiguous (NCHW, PyTorch's default). Results agree up to the last bits. The default value is channels_last.
    /// </summary>
    public string MemoryFormat { get; init; } = Models.MemoryFormat.ChannelsLast;

    /// <summary>Data set and loader settings.</summary>
    public DataOptions Data { get; init; } = new();

    /// <summary>Optimizer, schedule and loss.</summary>
    public TrainerOptions Trainer { get; init; } = new();

    /// <summary>Test-time metric settings (ECE bins).</summary>
    public Evaluation.EvalOptions Eval { get; init; } = new();

    /// <summary>Per-method option sections, keyed by method name.</summary>
    public MethodSettings Methods { get; init; } = MethodSettings.Defaults;

    /// <summary>Stop with an error (stop) or skip the batch and count it (skip) when a loss is not finite. The default value is stop.</summary>
    public NonFinitePolicy OnNonFinite { get; init; } = NonFinitePolicy.Stop;
}

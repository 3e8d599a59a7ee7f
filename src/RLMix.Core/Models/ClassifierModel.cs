using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Models;

/// <summary>
/// An image classifier split into a feature extractor and a linear classifier, so that methods
/// such as LaMix can attach extra heads to the penultimate features.
/// </summary>
public abstract class ClassifierModel : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module with a name for its state dict.</summary>
    protected ClassifierModel(string name) : base(name) { }

    /// <summary>
    /// The layout the model computes its activations in: <see cref="Models.MemoryFormat.ChannelsLast"/> or
    /// <see cref="Models.MemoryFormat.Contiguous"/>. Outputs have the same shape either way. The default
    /// value is contiguous; <see cref="ModelFactory.Create"/> sets the run's choice.
    /// </summary>
    public string MemoryFormat
    {
        get => channelsLast ? Models.MemoryFormat.ChannelsLast : Models.MemoryFormat.Contiguous;
        set
        {
            if (!Models.MemoryFormat.Names.Contains(value))
                throw new Errors.UsageException($"Unknown memory format '{Errors.Echo.Of(value)}'. Allowed values: {string.Join(", ", Models.MemoryFormat.Names)}.");
            channelsLast = value == Models.MemoryFormat.ChannelsLast;
        }
    }

    bool channelsLast;

    /// <summary>
    /// The input as the first layer should see it: in channels-last layout when <see cref="MemoryFormat"/>
    /// says so (a copy that autograd passes gradients through), otherwise an alias. Dispose it after use.
    /// </summary>
    protected Tensor InMemoryFormat(Tensor input) =>
        channelsLast ? Models.MemoryFormat.ToChannelsLast(input) : input.alias();

    /// <summary>Size of the penultimate feature vector.</summary>
    public abstract int FeatureDim { get; }

    /// <summary>Number of output classes.</summary>
    public abstract int NumClasses { get; }

    /// <summary>Penultimate features <c>[B, FeatureDim]</c> of a normalized input batch.</summary>
    public abstract Tensor Features(Tensor input);

    /// <summary>Logits <c>[B, NumClasses]</c> from penultimate features.</summary>
    public abstract Tensor Classify(Tensor features);

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var features = Features(input);
        return Classify(features);
    }
}

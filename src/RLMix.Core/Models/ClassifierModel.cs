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

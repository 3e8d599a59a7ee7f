using RLMix.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Models;

/// <summary>A test model: flatten, then one linear layer with weights the test chooses. Records the mode of each forward.</summary>
public sealed class TinyLinearModel : ClassifierModel
{
    readonly Linear linear;

    public TinyLinearModel(int inFeatures, int numClasses, float[,]? weight = null, float[]? bias = null) : base("tiny-linear")
    {
        NumClasses = numClasses;
        FeatureDim = inFeatures;
        linear = nn.Linear(inFeatures, numClasses);
        RegisterComponents();
        using var _ = no_grad();
        if (weight is not null) linear.weight!.copy_(tensor(weight));
        if (bias is not null) linear.bias!.copy_(tensor(bias));
    }

    public override int FeatureDim { get; }

    public override int NumClasses { get; }

    public List<bool> ForwardModes { get; } = [];

    public Parameter Weight => linear.weight!;

    public override Tensor Features(Tensor input)
    {
        ForwardModes.Add(training);
        return input.flatten(1);
    }

    public override Tensor Classify(Tensor features) => linear.forward(features);
}

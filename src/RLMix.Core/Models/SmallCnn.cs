using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Models;

/// <summary>
/// A small, CPU-friendly CNN for tests and CPU experiments: three stages of 3x3 conv (32, 64, 128
/// channels) + BatchNorm + ReLU + 2x2 max-pool, global average pooling, one linear classifier.
/// Accepts any input side >= 8 (the global pooling removes the spatial size).
/// </summary>
public sealed class SmallCnn : ClassifierModel
{
    const int Width = 128;

    readonly Sequential features;
    readonly Linear classifier;

    /// <summary>Creates the network for <paramref name="inChannels"/>-channel images and <paramref name="numClasses"/> classes.</summary>
    public SmallCnn(int inChannels, int numClasses) : base("small-cnn")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        NumClasses = numClasses;
        features = nn.Sequential(
            Stage("stage1", inChannels, 32),
            Stage("stage2", 32, 64),
            Stage("stage3", 64, Width),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()));
        classifier = nn.Linear(Width, numClasses);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int FeatureDim => Width;

    /// <inheritdoc />
    public override int NumClasses { get; }

    /// <inheritdoc />
    public override Tensor Features(Tensor input)
    {
        if (input.dim() != 4 || input.shape[2] < 8 || input.shape[3] < 8)
            throw new ArgumentException($"SmallCnn expects [B, C, H, W] with H, W >= 8; got [{string.Join(", ", input.shape)}].", nameof(input));
        using var x = InMemoryFormat(input);
        return features.forward(x);
    }

    /// <inheritdoc />
    public override Tensor Classify(Tensor features) => classifier.forward(features);

    static (string, nn.Module<Tensor, Tensor>) Stage(string name, int inChannels, int outChannels) =>
        (name, nn.Sequential(
            ("conv", nn.Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1, bias: false)),
            ("bn", new BatchNorm2dLayer(outChannels)),
            ("relu", nn.ReLU()),
            ("pool", nn.MaxPool2d(2))));
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Models;

/// <summary>
/// The CIFAR PreAct ResNet-18 of the Co-Mixup and R-Mix code (models/preresnet.py, model/preactresnet.py):
/// a 3x3 stride-1 stem conv to 64 channels, four stages of two <see cref="PreActBlock"/>s with
/// 64-128-256-512 channels (strides 1, 2, 2, 2), global average pooling and a linear classifier.
/// </summary>
/// <remarks>
/// The official code has no BN+ReLU after the last stage (it pools layer4's output directly); that is
/// the default here. <c>finalBnRelu: true</c> adds the BN+ReLU of the "full pre-activation" variant of
/// He et al. (2016) and of some other mixup repositories.
/// </remarks>
public sealed class PreActResNet18 : ClassifierModel
{
    const int Width = 512;

    readonly Conv2d conv1;
    readonly Sequential layer1;
    readonly Sequential layer2;
    readonly Sequential layer3;
    readonly Sequential layer4;
    readonly BatchNorm2dLayer? bn;
    readonly Linear linear;

    /// <summary>Creates the network for <paramref name="inChannels"/>-channel images and <paramref name="numClasses"/> classes.</summary>
    public PreActResNet18(int inChannels, int numClasses, bool finalBnRelu = false) : base("preact-resnet18")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        NumClasses = numClasses;
        conv1 = nn.Conv2d(inChannels, 64, kernel_size: 3, stride: 1, padding: 1, bias: false);
        layer1 = Layer(64, 64, stride: 1);
        layer2 = Layer(64, 128, stride: 2);
        layer3 = Layer(128, 256, stride: 2);
        layer4 = Layer(256, Width, stride: 2);
        if (finalBnRelu) bn = new BatchNorm2dLayer(Width);
        linear = nn.Linear(Width, numClasses);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int FeatureDim => Width;

    /// <inheritdoc />
    public override int NumClasses { get; }

    /// <inheritdoc />
    public override Tensor Features(Tensor input)
    {
        if (input.dim() != 4)
            throw new ArgumentException($"PreActResNet18 expects [B, C, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
        using var x = InMemoryFormat(input);
        using var h0 = conv1.forward(x);
        using var h1 = layer1.forward(h0);
        using var h2 = layer2.forward(h1);
        using var h3 = layer3.forward(h2);
        using var h4 = layer4.forward(h3);
        using var act = bn is null ? h4.alias() : nn.functional.relu(bn.forward(h4));
        // avg_pool2d(out, 4) in the official code on 32x32 inputs; adaptive pooling is the same there
        // and also accepts other sizes.
        using var pooled = nn.functional.adaptive_avg_pool2d(act, 1);
        return pooled.flatten(1);
    }

    /// <inheritdoc />
    public override Tensor Classify(Tensor features) => linear.forward(features);

    static Sequential Layer(int inPlanes, int planes, int stride) =>
        nn.Sequential(new PreActBlock("0", inPlanes, planes, stride), new PreActBlock("1", planes, planes, 1));
}

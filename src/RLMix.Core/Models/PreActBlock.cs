using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Models;

/// <summary>
/// The pre-activation basic block of He et al. (2016), as in the Co-Mixup / R-Mix CIFAR code:
/// BN-ReLU-conv3x3(stride)-BN-ReLU-conv3x3 plus a shortcut that is the identity, or a 1x1 conv
/// applied to the first BN-ReLU output when the shape changes.
/// </summary>
public sealed class PreActBlock : nn.Module<Tensor, Tensor>
{
    readonly BatchNorm2dLayer bn1;
    readonly Conv2d conv1;
    readonly BatchNorm2dLayer bn2;
    readonly Conv2d conv2;
    readonly Conv2d? shortcut;

    /// <summary>Creates a block from <paramref name="inPlanes"/> to <paramref name="planes"/> channels.</summary>
    public PreActBlock(string name, int inPlanes, int planes, int stride) : base(name)
    {
        bn1 = new BatchNorm2dLayer(inPlanes);
        conv1 = nn.Conv2d(inPlanes, planes, kernel_size: 3, stride: stride, padding: 1, bias: false);
        bn2 = new BatchNorm2dLayer(planes);
        conv2 = nn.Conv2d(planes, planes, kernel_size: 3, stride: 1, padding: 1, bias: false);
        if (stride != 1 || inPlanes != planes)
            shortcut = nn.Conv2d(inPlanes, planes, kernel_size: 1, stride: stride, bias: false);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var pre = nn.functional.relu(bn1.forward(x));
        using var skip = shortcut is null ? x.alias() : shortcut.forward(pre);
        using var h1 = conv1.forward(pre);
        using var bnh1 = bn2.forward(h1);
        using var a1 = nn.functional.relu(bnh1);
        using var h2 = conv2.forward(a1);
        return h2.add(skip);
    }
}

using RLMix.Models;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Models;

public sealed class BatchNorm2dLayerTests
{
    [Fact]
    public void StateNames_AreThoseOfTorchSharpsBatchNorm2d()
    {
        using var ours = new BatchNorm2dLayer(4);
        using var theirs = nn.BatchNorm2d(4);
        Assert.Equal(theirs.state_dict().Keys.Order(), ours.state_dict().Keys.Order());
        Assert.Equal(theirs.named_parameters().Select(p => p.name), ours.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void TrainingAndEvaluation_MatchTorchSharpsBatchNorm2dExactly()
    {
        using var ours = new BatchNorm2dLayer(3);
        using var theirs = nn.BatchNorm2d(3);
        var g = new Generator(5);
        using (no_grad())
        {
            // Non-trivial affine parameters, identical in both.
            ours.named_parameters().Single(p => p.name == "weight").parameter.copy_(rand(3, generator: g) + 0.5);
            theirs.named_parameters().Single(p => p.name == "weight").parameter.copy_(ours.named_parameters().Single(p => p.name == "weight").parameter);
        }
        for (var step = 0; step < 3; step++)
        {
            using var x = randn([8, 3, 5, 5], generator: g) * (step + 1) + step;
            using var a = x.detach().requires_grad_(true);
            using var b = x.detach().requires_grad_(true);
            using var ya = ours.forward(a);
            using var yb = theirs.forward(b);
            Assert.True(ya.eq(yb).all().item<bool>(), $"train output differs at step {step}");
            ya.square().sum().backward();
            yb.square().sum().backward();
            Assert.True(a.grad!.eq(b.grad!).all().item<bool>(), $"input gradient differs at step {step}");
        }
        var ourState = ours.state_dict();
        foreach (var (name, value) in theirs.state_dict())
            Assert.True(value.eq(ourState[name]).all().item<bool>(), $"{name} differs after 3 training steps");
        Assert.Equal(3L, ourState["num_batches_tracked"].item<long>());

        ours.eval();
        theirs.eval();
        using var test = randn([4, 3, 5, 5], generator: g);
        using var ea = ours.forward(test);
        using var eb = theirs.forward(test);
        Assert.True(ea.eq(eb).all().item<bool>());
        Assert.Equal(3L, ours.state_dict()["num_batches_tracked"].item<long>());
    }

    [Fact]
    public void Forward_RefusesInputsThatAreNotFourDimensional()
    {
        using var layer = new BatchNorm2dLayer(3);
        using var x = zeros(2, 3);
        Assert.Contains("[B, C, H, W]", Assert.Throws<ArgumentException>(() => layer.forward(x)).Message);
    }
}

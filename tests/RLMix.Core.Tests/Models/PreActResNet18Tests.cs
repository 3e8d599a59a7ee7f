using RLMix.Models;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Models;

public sealed class PreActResNet18Tests
{
    [Fact]
    public void Forward_GivesLogitsAndFeaturesOfTheRightShape()
    {
        using var model = new PreActResNet18(3, 100);
        using var x = randn(2, 3, 32, 32, generator: new Generator(3));
        using var features = model.Features(x);
        using var logits = model.forward(x);
        Assert.Equal(new long[] { 2, 512 }, features.shape);
        Assert.Equal(new long[] { 2, 100 }, logits.shape);
    }

    [Fact]
    public void ParameterCount_IsThatOfTheCifarPreActResNet18()
    {
        using var model = new PreActResNet18(3, 10);
        // stem 1728; stages (BN 2c, convs, 1x1 shortcuts): 147968 + 525184 + 2098944 + 8392192; linear 5130
        Assert.Equal(11_171_146L, model.parameters().Sum(p => p.numel()));
        using var withFinalBn = new PreActResNet18(3, 10, finalBnRelu: true);
        Assert.Equal(11_171_146L + 2 * 512, withFinalBn.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void OneChannelInput_IsAccepted()
    {
        using var model = new PreActResNet18(1, 10);
        using var x = randn(2, 1, 32, 32, generator: new Generator(4));
        using var logits = model.forward(x);
        Assert.Equal(new long[] { 2, 10 }, logits.shape);
    }

    [Fact]
    public void OneTrainingStep_ChangesTheWeightsAndGivesAFiniteLoss()
    {
        using var model = new PreActResNet18(3, 10);
        using var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 10, epochs: 1);
        using var x = randn(2, 3, 32, 32, generator: new Generator(5));
        using var y = eye(2, 10);
        var stem = model.parameters().First();
        using var before = stem.detach().clone();
        var result = trainer.Step(x, y);
        Assert.True(double.IsFinite(result.Loss.item<float>()));
        Assert.False(stem.detach().Equals(before));
        Assert.Equal(1, trainer.GlobalStep);
    }
}

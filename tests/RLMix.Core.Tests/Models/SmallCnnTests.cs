using RLMix.Models;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Models;

public sealed class SmallCnnTests
{
    [Theory]
    [InlineData(1, 32, 32)]
    [InlineData(3, 28, 28)]
    [InlineData(1, 8, 8)]
    public void Forward_GivesLogitsAndFeaturesOfTheRightShape(int channels, int height, int width)
    {
        using var model = new SmallCnn(channels, 10);
        using var x = randn(4, channels, height, width, generator: new Generator(1));
        using var features = model.Features(x);
        using var logits = model.forward(x);
        Assert.Equal(new long[] { 4, 128 }, features.shape);
        Assert.Equal(new long[] { 4, 10 }, logits.shape);
        Assert.Equal(128, model.FeatureDim);
        Assert.Equal(10, model.NumClasses);
    }

    [Fact]
    public void Forward_EqualsClassifyOfFeatures()
    {
        using var model = new SmallCnn(1, 5);
        model.eval();
        using var x = randn(3, 1, 16, 16, generator: new Generator(2));
        using var direct = model.forward(x);
        using var features = model.Features(x);
        using var viaParts = model.Classify(features);
        Assert.True(direct.Equals(viaParts));
    }

    [Fact]
    public void ParameterCount_MatchesTheArchitecture()
    {
        using var model = new SmallCnn(1, 10);
        // conv 1*32*9 + bn 2*32, conv 32*64*9 + bn 2*64, conv 64*128*9 + bn 2*128, linear 128*10 + 10
        const long expected = 288 + 64 + 18432 + 128 + 73728 + 256 + 1290;
        Assert.Equal(expected, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Features_RejectsInputsSmallerThan8()
    {
        using var model = new SmallCnn(1, 10);
        using var x = zeros(2, 1, 7, 7);
        Assert.Throws<ArgumentException>(() => model.Features(x));
    }

    [Fact]
    public void Factory_CreatesByName_AndRejectsUnknownNames()
    {
        using var cnn = ModelFactory.Create("small-cnn", 1, 10, seed: 0);
        Assert.IsType<SmallCnn>(cnn);
        using var resnet = ModelFactory.Create("preact-resnet18", 3, 100, seed: 0);
        Assert.IsType<PreActResNet18>(resnet);
        Assert.Equal(100, resnet.NumClasses);
        var e = Assert.Throws<RLMix.Errors.UsageException>(() => ModelFactory.Create("resnet50", 3, 10, seed: 0));
        Assert.Contains("resnet50", e.Message);
        Assert.Contains("small-cnn, preact-resnet18", e.Message);
    }
}

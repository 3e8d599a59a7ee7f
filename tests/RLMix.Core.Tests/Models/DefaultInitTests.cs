using RLMix.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Models;

public sealed class DefaultInitTests
{
    static float[] Flat(nn.Module m) => m.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void SameSeed_SameWeights_WhateverTheGlobalGeneratorDoes()
    {
        torch.manual_seed(1);
        using var a = ModelFactory.Create("small-cnn", 3, 10, seed: 42);
        torch.manual_seed(999);
        using (randn(1000)) { }
        using var b = ModelFactory.Create("small-cnn", 3, 10, seed: 42);
        using var c = ModelFactory.Create("small-cnn", 3, 10, seed: 43);
        Assert.Equal(Flat(a), Flat(b));
        Assert.NotEqual(Flat(a), Flat(c));
    }

    [Fact]
    public void LinearAndConv_AreUniformWithinOneOverSqrtFanIn_AsPyTorchDefaults()
    {
        using var linear = nn.Linear(400, 300);
        using var conv = nn.Conv2d(16, 32, kernel_size: 3);
        using var g = new Generator(7);
        DefaultInit.Apply(linear, g);
        DefaultInit.Apply(conv, g);
        // fan_in: 400 for the linear layer, 16 * 3 * 3 = 144 for the conv; U(-b, b) has variance b^2 / 3.
        foreach (var (w, bias, fanIn) in new[] { (linear.weight, linear.bias, 400.0), (conv.weight, conv.bias, 144.0) })
        {
            double bound = 1 / Math.Sqrt(fanIn);
            var values = w!.data<float>().ToArray();
            Assert.All(values, v => Assert.InRange(Math.Abs(v), 0, bound));
            double mean = values.Average(v => (double)v);
            double variance = values.Average(v => (v - mean) * (v - mean));
            Assert.InRange(mean, -0.02 * bound, 0.02 * bound);
            Assert.InRange(variance, 0.95 * bound * bound / 3, 1.05 * bound * bound / 3);
            Assert.All(bias!.data<float>().ToArray(), v => Assert.InRange(Math.Abs(v), 0, bound));
            Assert.Contains(bias.data<float>().ToArray(), v => v != 0);
        }
        Assert.Equal(144, DefaultInit.FanIn(conv.weight!.shape));
    }
}

using RLMix.Mixing;

namespace RLMix.Core.Tests.Mixing;

public sealed class BetaSamplingTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(0.5)]
    [InlineData(0.2)]
    public void Beta_SymmetricAlpha_HasMeanHalfAndTheRightVariance(double alpha)
    {
        using var g = new TorchSharp.torch.Generator(17);
        var draws = Enumerable.Range(0, 4000).Select(_ => Sampling.Beta(alpha, g)).ToArray();
        Assert.All(draws, x => Assert.InRange(x, 0.0, 1.0));
        var mean = draws.Average();
        var variance = draws.Sum(x => (x - mean) * (x - mean)) / draws.Length;
        var expected = 1 / (4 * (2 * alpha + 1));   // Var Beta(a, a) = 1 / (4 (2a + 1))
        Assert.InRange(mean, 0.48, 0.52);
        Assert.InRange(variance, expected * 0.9, expected * 1.1);
    }

    [Fact]
    public void Beta_SameSeed_SameDraws()
    {
        using var g1 = new TorchSharp.torch.Generator(3);
        using var g2 = new TorchSharp.torch.Generator(3);
        Assert.Equal(Enumerable.Range(0, 5).Select(_ => Sampling.Beta(1, g1)), Enumerable.Range(0, 5).Select(_ => Sampling.Beta(1, g2)));
    }
}

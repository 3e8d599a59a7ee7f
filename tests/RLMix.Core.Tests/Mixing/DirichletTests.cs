using MathNet.Numerics.Statistics;
using RLMix.Mixing;

namespace RLMix.Core.Tests.Mixing;

/// <summary>Co-Mixup's Dirichlet draws (our Gamma sampler on a seeded <see cref="Random"/>) against independent references.</summary>
public sealed class DirichletTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void Gamma_MatchesMathNetsGammaCdf(double shape)
    {
        // Kolmogorov-Smirnov distance of 4,000 draws to MathNet's Gamma(shape, rate 1) CDF; the 0.1% critical value is 1.95 / sqrt(n).
        var random = new Random(11);
        var draws = Enumerable.Range(0, 4000).Select(_ => Dirichlet.Gamma(random, shape)).Order().ToArray();
        double d = 0;
        for (int i = 0; i < draws.Length; i++)
        {
            double cdf = MathNet.Numerics.Distributions.Gamma.CDF(shape, 1.0, draws[i]);
            d = Math.Max(d, Math.Max((i + 1.0) / draws.Length - cdf, cdf - (double)i / draws.Length));
        }
        Assert.True(d < 1.95 / Math.Sqrt(draws.Length), $"KS distance {d:F4}");
    }

    [Theory]
    [InlineData(4, 1.0)]
    [InlineData(3, 0.5)]
    public void Sample_HasTheDirichletMeanAndVariance(int k, double alpha)
    {
        // Symmetric Dirichlet: E[w_i] = 1/k, Var[w_i] = (k - 1) / (k^2 (k alpha + 1)).
        var random = new Random(5);
        var first = new double[4000];
        var w = new double[k];
        for (int n = 0; n < first.Length; n++)
        {
            Dirichlet.Sample(random, alpha, w);
            Assert.Equal(1.0, w.Sum(), 12);
            Assert.All(w, x => Assert.InRange(x, 0.0, 1.0));
            first[n] = w[0];
        }
        double variance = (k - 1.0) / (k * k * (k * alpha + 1));
        Assert.InRange(first.Mean(), 1.0 / k - 0.01, 1.0 / k + 0.01);
        Assert.InRange(first.PopulationVariance(), variance * 0.9, variance * 1.1);
    }

    [Fact]
    public void Sample_AllGammasUnderflow_GivesTheMean()
    {
        var w = new double[3];
        Dirichlet.Sample(new Random(1), 1e-300, w);
        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], w);
    }
}

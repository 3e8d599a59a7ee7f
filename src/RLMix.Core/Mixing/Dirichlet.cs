using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>
/// Symmetric Dirichlet(alpha, ..., alpha) draws, as Gamma(alpha, 1) draws divided by their sum: mixup's
/// lambda ~ Beta(alpha, alpha) is the first weight of the 2-class case (<see cref="Sampling.Beta"/>),
/// Co-Mixup's mixing ratios of a partition the m-class case. Two sources of Gamma draws, so that every
/// existing seed keeps its numbers: libtorch's (a torch <see cref="Generator"/>, the mixers) and
/// Marsaglia and Tsang's method on a <see cref="Random"/> (Co-Mixup's per-partition, thread-independent streams).
/// </summary>
public static class Dirichlet
{
    /// <summary>One draw of Dirichlet with <paramref name="k"/> weights, Gamma draws by libtorch from <paramref name="generator"/> (on the CPU).</summary>
    public static double[] Sample(double alpha, int k, Generator generator)
    {
        using var scope = NewDisposeScope();
        var weights = _standard_gamma(full(k, alpha, dtype: ScalarType.Float64), generator).data<double>().ToArray();
        Normalize(weights);
        return weights;
    }

    /// <summary>Fills <paramref name="result"/> with one draw of Dirichlet(alpha, ..., alpha), Gamma draws from <paramref name="random"/>.</summary>
    public static void Sample(Random random, double alpha, Span<double> result)
    {
        for (var i = 0; i < result.Length; i++) result[i] = Gamma(random, alpha);
        Normalize(result);
    }

    /// <summary>
    /// One Gamma(<paramref name="shape"/>, 1) draw: Marsaglia and Tsang (2000); shapes below 1 use
    /// Gamma(a) = Gamma(a + 1) * U^(1/a).
    /// </summary>
    public static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            var u = 1.0 - random.NextDouble();
            return Gamma(random, shape + 1) * Math.Pow(u, 1.0 / shape);
        }
        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1.0 + c * x;
            } while (v <= 0);
            v = v * v * v;
            var u = 1.0 - random.NextDouble();
            if (Math.Log(u) < 0.5 * x * x + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    /// <summary>Divides the Gamma draws by their sum; all of them can underflow to 0 for a tiny alpha, and the symmetric mean 1/k is then the neutral value.</summary>
    static void Normalize(Span<double> gammas)
    {
        double sum = 0;
        foreach (var g in gammas) sum += g;
        if (sum > 0)
            for (var i = 0; i < gammas.Length; i++) gammas[i] /= sum;
        else
            gammas.Fill(1.0 / gammas.Length);
    }

    static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

namespace RLMix.Mixing.CoMixup;

/// <summary>Symmetric Dirichlet draws from a seeded <see cref="Random"/> (normalized Gamma draws).</summary>
internal static class DirichletSampler
{
    /// <summary>Fills <paramref name="result"/> with one draw of Dirichlet(alpha, ..., alpha).</summary>
    public static void Sample(Random random, double alpha, Span<double> result)
    {
        double sum = 0;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Gamma(random, alpha);
            sum += result[i];
        }
        if (sum <= 0)
        {
            // Possible only for tiny alpha in floating point: fall back to the mean.
            result.Fill(1.0 / result.Length);
            return;
        }
        for (var i = 0; i < result.Length; i++) result[i] /= sum;
    }

    // Marsaglia and Tsang (2000); shapes below 1 use Gamma(a) = Gamma(a + 1) * U^(1/a).
    private static double Gamma(Random random, double shape)
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

    private static double Normal(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}

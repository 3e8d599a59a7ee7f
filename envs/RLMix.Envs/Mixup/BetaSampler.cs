using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Envs.Mixup;

/// <summary>
/// Beta(a, b) draws from a seeded torch generator, as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b)
/// (Marsaglia and Tsang 2000; for shape &lt; 1, Gamma(shape + 1) U^(1/shape)). TorchSharp's own
/// <c>distributions.Beta</c> leaves three tensors alive per draw outside any dispose scope, which a
/// per-step env cannot afford.
/// </summary>
public static class BetaSampler
{
    /// <summary>One draw of Beta(<paramref name="a"/>, <paramref name="b"/>).</summary>
    public static double Sample(double a, double b, Generator generator)
    {
        var x = Gamma(a, generator);
        var y = Gamma(b, generator);
        return x / (x + y);
    }

    /// <summary>One draw of Gamma(<paramref name="shape"/>, 1).</summary>
    public static double Gamma(double shape, Generator generator)
    {
        if (!(shape > 0)) throw new ArgumentOutOfRangeException(nameof(shape), shape, "Gamma needs shape > 0.");
        if (shape < 1) return Gamma(shape + 1, generator) * Math.Pow(Uniform(generator), 1 / shape);
        var d = shape - 1.0 / 3;
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            var (z, u) = NormalAndUniform(generator);
            var v = 1 + c * z;
            if (v <= 0) continue;
            v = v * v * v;
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v)) return d * v;
        }
    }

    static double Uniform(Generator generator)
    {
        using var scope = NewDisposeScope();
        return rand([1], dtype: float64, generator: generator).item<double>();
    }

    static (double Z, double U) NormalAndUniform(Generator generator)
    {
        using var scope = NewDisposeScope();
        var z = randn([1], dtype: float64, generator: generator).item<double>();
        var u = rand([1], dtype: float64, generator: generator).item<double>();
        return (z, u);
    }
}

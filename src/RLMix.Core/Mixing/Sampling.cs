using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>
/// The mixers' random draws, all from an explicit seeded generator. Draws are made on the CPU (where a
/// <see cref="Generator"/> lives by default) and the few resulting numbers moved to the batch's device,
/// so a seed gives the same mixes on every device.
/// </summary>
public static class Sampling
{
    /// <summary>
    /// One draw of Beta(<paramref name="alpha"/>, <paramref name="alpha"/>) as g1 / (g1 + g2) with
    /// g1, g2 ~ Gamma(alpha, 1): the first weight of Dirichlet([alpha, alpha]), as the official R-Mix code.
    /// </summary>
    public static double Beta(double alpha, Generator generator)
    {
        if (!(alpha > 0))
            throw new UsageException($"alpha must be > 0; got {alpha}.");
        return Dirichlet.Sample(alpha, 2, generator)[0];
    }

    /// <summary>
    /// True with probability <paramref name="probability"/>: one uniform draw u in [0, 1) and u &lt; p, as
    /// the official CutMix code's <c>r = np.random.rand(1); if r &lt; cutmix_prob</c>. Nothing is drawn
    /// when p is 0 or 1, so a method gated with p = 1 draws exactly what it drew before the gate existed.
    /// </summary>
    public static bool Chance(double probability, Generator generator)
    {
        if (probability >= 1) return true;
        if (probability <= 0) return false;
        using var scope = NewDisposeScope();
        return rand([1], dtype: ScalarType.Float64, generator: generator).item<double>() < probability;
    }

    /// <summary>A uniform index in [0, <paramref name="count"/>).</summary>
    public static int Index(int count, Generator generator)
    {
        using var scope = NewDisposeScope();
        return (int)randint(count, [1], dtype: ScalarType.Int64, generator: generator).item<long>();
    }

    /// <summary>A random permutation of the batch <c>[B]</c> (int64) on <paramref name="device"/> (fixed points allowed).</summary>
    public static Tensor Permutation(long batchSize, Generator generator, Device device)
    {
        using var scope = NewDisposeScope();
        return randperm(batchSize, dtype: ScalarType.Int64, generator: generator).to(device).MoveToOuterDisposeScope();
    }
}

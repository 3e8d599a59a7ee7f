using System.Globalization;
using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Agents.Policies;

/// <summary><c>fixed:Q</c>: the same top-k value q for every image (Q must be one of the K values <see cref="RMixOptions.TopK"/>, linspace(0, 0.99)).</summary>
public sealed class FixedPolicy : IPolicy
{
    /// <summary>How far Q may be from a top-k value: 0.333 and 0.33 both name linspace(0, 0.99, 10)[3] (0.33), the values are 0.11 apart.</summary>
    public const double Tolerance = 5e-3;

    readonly int batchSize;

    /// <summary>Creates the policy for batches of <paramref name="batchSize"/> choosing among <paramref name="k"/> top-k values (the env's action space).</summary>
    public FixedPolicy(double q, int batchSize, int k)
    {
        Index = IndexOf(q, k);
        Q = RMixOptions.TopK(k)[Index];
        this.batchSize = batchSize;
    }

    /// <summary>The action index of top-k value <paramref name="q"/> among <paramref name="k"/> values (within <see cref="Tolerance"/>).</summary>
    /// <exception cref="UsageException">No top-k value is that close.</exception>
    public static int IndexOf(double q, int k)
    {
        var topK = RMixOptions.TopK(k);
        var index = Enumerable.Range(0, topK.Length).FirstOrDefault(i => Math.Abs(topK[i] - q) < Tolerance, -1);
        if (index < 0)
            throw new UsageException($"fixed:{q.ToString(CultureInfo.InvariantCulture)} is not one of R-Mix's top-k values; use one of {string.Join(", ", topK.Select(v => v.ToString("0.##", CultureInfo.InvariantCulture)))}.");
        return index;
    }

    /// <summary>The action index every image gets.</summary>
    public int Index { get; }

    /// <summary>The top-k value.</summary>
    public float Q { get; }

    /// <inheritdoc />
    public string Name => $"fixed:{Q.ToString("0.##", CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public Tensor Act<TObs>(TObs observation) where TObs : notnull => full(batchSize, (long)Index, dtype: int64);
}

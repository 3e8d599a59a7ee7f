using System.Globalization;
using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Agents.Policies;

/// <summary><c>fixed:Q</c>: the same top-k value q for every image (Q must be one of the K values <see cref="RMixOptions.TopK"/>, linspace(0, 0.99)).</summary>
public sealed class FixedPolicy : IPolicy
{
    readonly int batchSize;

    /// <summary>Creates the policy for batches of <paramref name="batchSize"/> choosing among <paramref name="k"/> top-k values (the env's action space).</summary>
    public FixedPolicy(double q, int batchSize, int k)
    {
        var topK = RMixOptions.TopK(k);
        var index = Enumerable.Range(0, topK.Length).FirstOrDefault(i => Math.Abs(topK[i] - q) < 5e-3, -1);
        if (index < 0)
            throw new UsageException($"fixed:{q.ToString(CultureInfo.InvariantCulture)} is not one of R-Mix's top-k values; use one of {string.Join(", ", topK.Select(v => v.ToString("0.##", CultureInfo.InvariantCulture)))}.");
        Index = index;
        Q = topK[index];
        this.batchSize = batchSize;
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

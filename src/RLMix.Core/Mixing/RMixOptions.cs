using RLMix.Errors;

namespace RLMix.Mixing;

/// <summary>
/// R-Mix's options: the "rmix" section of a run's configuration, and the same record embedded wherever
/// R-Mix is configured (<c>"rlmix": { "rmix": { ... } }</c>, MixupEnvOptions.RMix). Defaults are the
/// paper's and the official code's.
/// </summary>
public sealed record RMixOptions
{
    /// <summary>lambda ~ Beta(Alpha, Alpha), one per batch. The default value is 1.0.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Patches per side p, one drawn uniformly per batch; each must divide the image side. The default value is [2, 4].</summary>
    public int[] Patches { get; init; } = [2, 4];

    /// <summary>Number K of top-k values q, linspace(0, 0.99, K), one drawn uniformly per image (RL-Mix: the agent's K actions). The default value is 10.</summary>
    public int K { get; init; } = 10;

    /// <summary>Training loss: null (the trainer's configured loss, soft-target cross-entropy by default), soft-ce, or bce (binary cross-entropy on softmax outputs, the paper's eq. 1). The default value is null.</summary>
    public Training.TrainingLoss? Loss { get; init; }

    /// <summary>The K top-k values linspace(0, 0.99, K) as float32 (<see cref="TopK"/>).</summary>
    public float[] TopKValues() => TopK(K);

    /// <summary>
    /// The one top-k table: linspace(0, 0.99, <paramref name="k"/>) as float32 (the official code casts
    /// them); action index i of RL-Mix is q = TopK(k)[i].
    /// </summary>
    public static float[] TopK(int k) => k == 1 ? [0f] : Enumerable.Range(0, k).Select(i => (float)(0.99 * i / (k - 1))).ToArray();

    /// <summary>Throws a <see cref="UsageException"/> naming the first invalid option as <c>{section}.key</c>.</summary>
    public void Validate(string section = "rmix")
    {
        if (!(Alpha > 0))
            throw new UsageException($"{section}.alpha must be > 0; got {Alpha}.");
        if (Patches is null || Patches.Length == 0 || Patches.Any(p => p < 1))
            throw new UsageException($"{section}.patches must be a non-empty list of positive patch counts per side, e.g. [2, 4].");
        if (K < 1)
            throw new UsageException($"{section}.k must be >= 1; got {K}.");
    }
}

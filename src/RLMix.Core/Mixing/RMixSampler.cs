using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>
/// R-Mix's random parts, drawn in ONE order from an explicit generator: p (index into
/// <see cref="RMixOptions.Patches"/>), the per-image top-k indices (unless given), lambda (unless
/// given), the permutation (unless given). <see cref="RMixMixer"/>, RL-Mix's step (MixupEnv and
/// <c>--method rlmix</c>) and <c>rlmix mix</c> all draw through it, so R-Mix and RL-Mix with the
/// <c>random</c> policy consume one seed's stream identically.
/// </summary>
public sealed class RMixSampler
{
    readonly float[] topK;

    /// <summary>Creates the sampler; throws a <see cref="Errors.UsageException"/> naming the first invalid option as <c>{section}.key</c>.</summary>
    public RMixSampler(RMixOptions options, string section = "rmix")
    {
        options.Validate(section);
        Options = options;
        topK = options.TopKValues();
    }

    /// <summary>The options.</summary>
    public RMixOptions Options { get; }

    /// <summary>The top-k values q, <c>linspace(0, 0.99, K)</c> (float32).</summary>
    public IReadOnlyList<float> TopKValues => topK;

    /// <summary>K, the number of top-k values (RL-Mix's actions per image).</summary>
    public int K => topK.Length;

    /// <summary>
    /// Draws what is not given, in the order p, actions, lambda, permutation (a given part draws
    /// nothing, so the stream does not depend on what else is given). Tensors are on <paramref name="device"/>
    /// and belong to the caller's dispose scope.
    /// </summary>
    /// <param name="actions">Per-image top-k indices <c>[B]</c> (a policy's choice); null draws them uniformly (R-Mix).</param>
    /// <param name="q">Per-image q values <c>[B]</c> given directly (not indices); then <see cref="RMixDraw.Actions"/> is null. Excludes <paramref name="actions"/>.</param>
    /// <param name="lambda">Mixing weight; null draws Beta(alpha, alpha).</param>
    /// <param name="permutation">Partner of each image <c>[B]</c>; null draws a random permutation.</param>
    /// <param name="p">Patches per side; null draws one of <see cref="RMixOptions.Patches"/>.</param>
    public RMixDraw Draw(long batchSize, Generator generator, Device device,
        Tensor? actions = null, Tensor? q = null, double? lambda = null, Tensor? permutation = null, int? p = null)
    {
        if (actions is not null && q is not null)
            throw new ArgumentException("Give the per-image top-k indices or the q values, not both.");
        int patches = p ?? Options.Patches[Sampling.Index(Options.Patches.Length, generator)];
        Tensor? a = q is not null ? null
            : actions?.to(ScalarType.Int64).to(device) ?? randint(K, [batchSize], dtype: ScalarType.Int64, generator: generator).to(device);
        var values = q?.to(device) ?? Q(a!);
        double l = lambda ?? Sampling.Beta(Options.Alpha, generator);
        var perm = permutation ?? Sampling.Permutation(batchSize, generator, device);
        return new RMixDraw(patches, a, values, l, perm);
    }

    /// <summary>The q value <c>[B]</c> (float32) of each top-k index in <paramref name="actions"/>, on their device.</summary>
    public Tensor Q(Tensor actions) =>
        tensor(topK, dtype: ScalarType.Float32, device: actions.device).index_select(0, actions.to(ScalarType.Int64));
}

/// <summary>One batch's random parts of R-Mix.</summary>
/// <param name="P">Patches per side.</param>
/// <param name="Actions">Per-image top-k indices <c>[B]</c> (int64); null when q was given as values.</param>
/// <param name="Q">Per-image q <c>[B]</c> (float32).</param>
/// <param name="Lambda">The batch's mixing weight.</param>
/// <param name="Permutation">Partner of each image <c>[B]</c> (int64).</param>
public sealed record RMixDraw(int P, Tensor? Actions, Tensor Q, double Lambda, Tensor Permutation);

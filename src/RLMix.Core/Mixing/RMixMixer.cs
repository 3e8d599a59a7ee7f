using RLMix.Data;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>
/// R-Mix as a mixer: draws the random parts (p per batch, q per image, lambda, the permutation) from
/// the context's generator and calls the pure <see cref="RMix.Mix"/>. Needs the saliency phi(x).
/// </summary>
public sealed class RMixMixer : IMixer
{
    readonly RMixOptions options;
    readonly float[] topK;

    /// <summary>Creates the mixer; throws <see cref="UsageException"/> on invalid options.</summary>
    public RMixMixer(RMixOptions options)
    {
        options.Validate();
        this.options = options;
        topK = options.TopKValues();
    }

    /// <inheritdoc />
    public string Name => "rmix";

    /// <inheritdoc />
    public bool NeedsSaliency => true;

    /// <summary>The options this mixer was built with.</summary>
    public RMixOptions Options => options;

    /// <inheritdoc />
    /// <remarks>
    /// Draw order: p (index into <see cref="RMixOptions.Patches"/>), q indices (unless
    /// <see cref="MixContext.Q"/> is given), lambda (unless given), the permutation (unless given).
    /// </remarks>
    public MixResult Mix(Batch batch, MixContext context)
    {
        var saliency = context.Saliency
            ?? throw new UsageException("R-Mix needs the saliency phi(x) in MixContext.Saliency; compute it with Saliency.Compute.");
        using var scope = NewDisposeScope();
        var inputs = batch.Inputs;
        long b = inputs.shape[0];
        int p = options.Patches[Sampling.Index(options.Patches.Length, context.Generator)];
        var q = context.Q ?? DrawQ(b, context.Generator);
        double lambda = context.Lambda ?? Sampling.Beta(options.Alpha, context.Generator);
        var perm = context.Permutation ?? Sampling.Permutation(b, context.Generator, inputs.device);
        var result = RMix.Mix(inputs, SoftTargets.OneHot(batch.Labels, context.NumClasses), saliency, q, lambda, perm, p);
        return new MixResult(result.Inputs.MoveToOuterDisposeScope(), result.Targets.MoveToOuterDisposeScope());
    }

    /// <summary>q per image <c>[B]</c> (float32, CPU), each drawn uniformly from the K top-k values.</summary>
    public Tensor DrawQ(long batchSize, Generator generator)
    {
        using var scope = NewDisposeScope();
        var index = randint(topK.Length, [batchSize], dtype: ScalarType.Int64, generator: generator);
        return tensor(topK).index_select(0, index).MoveToOuterDisposeScope();
    }
}

using RLMix.Data;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>
/// R-Mix as a mixer: draws the random parts with <see cref="RMixSampler"/> (p per batch, q per image,
/// lambda, the permutation) from the context's generator and calls the pure <see cref="RMix.Mix"/>.
/// Needs the saliency phi(x).
/// </summary>
public sealed class RMixMixer : IMixer
{
    readonly RMixSampler sampler;

    /// <summary>Creates the mixer; throws <see cref="UsageException"/> on invalid options.</summary>
    public RMixMixer(RMixOptions options) => sampler = new RMixSampler(options);

    /// <inheritdoc />
    public string Name => "rmix";

    /// <inheritdoc />
    public bool NeedsSaliency => true;

    /// <summary>The options this mixer was built with.</summary>
    public RMixOptions Options => sampler.Options;

    /// <summary>The sampler of the random parts.</summary>
    public RMixSampler Sampler => sampler;

    /// <inheritdoc />
    /// <remarks>
    /// Draw order (<see cref="RMixSampler.Draw"/>): p, q indices (unless <see cref="MixContext.Q"/> is
    /// given), lambda (unless given), the permutation (unless given).
    /// </remarks>
    public MixResult Mix(Batch batch, MixContext context)
    {
        var saliency = context.Saliency
            ?? throw new UsageException("R-Mix needs the saliency phi(x) in MixContext.Saliency; compute it with Saliency.Compute.");
        using var scope = NewDisposeScope();
        var inputs = batch.Inputs;
        var draw = sampler.Draw(inputs.shape[0], context.Generator, inputs.device, q: context.Q, lambda: context.Lambda, permutation: context.Permutation);
        var result = RMix.Mix(inputs, SoftTargets.OneHot(batch.Labels, context.NumClasses), saliency, draw.Q, draw.Lambda, draw.Permutation, draw.P);
        return new MixResult(result.Inputs.MoveToOuterDisposeScope(), result.Targets.MoveToOuterDisposeScope());
    }
}

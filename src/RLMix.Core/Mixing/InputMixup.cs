using RLMix.Data;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>
/// Input Mixup (Zhang et al. 2018): x' = lambda x + (1 - lambda) x_perm and the same for the targets,
/// lambda ~ Beta(alpha, alpha) once per batch, partner from a random permutation of the batch; with
/// probability 1 - <see cref="MixupOptions.Prob"/> the batch is left clean.
/// </summary>
public sealed class InputMixup : IMixer
{
    readonly MixupOptions options;

    /// <summary>Creates the mixer; throws <see cref="UsageException"/> on invalid options.</summary>
    public InputMixup(MixupOptions options)
    {
        options.Validate();
        this.options = options;
    }

    /// <inheritdoc />
    public string Name => "mixup";

    /// <inheritdoc />
    public bool NeedsSaliency => false;

    /// <inheritdoc />
    /// <remarks>
    /// Draw order: whether to mix (only when 0 &lt; prob &lt; 1), lambda (unless given), then the
    /// permutation (unless given). A batch that is not mixed comes back with its one-hot labels.
    /// </remarks>
    public MixResult Mix(Batch batch, MixContext context)
    {
        if (!Sampling.Chance(options.Prob, context.Generator)) return SoftTargets.Unmixed(batch, context.NumClasses);
        using var scope = NewDisposeScope();
        double lambda = context.Lambda ?? Sampling.Beta(options.Alpha, context.Generator);
        var perm = context.Permutation ?? Sampling.Permutation(batch.Inputs.shape[0], context.Generator, batch.Inputs.device);
        var result = Apply(batch.Inputs, SoftTargets.OneHot(batch.Labels, context.NumClasses), lambda, perm);
        return new MixResult(result.Inputs.MoveToOuterDisposeScope(), result.Targets.MoveToOuterDisposeScope());
    }

    /// <summary>The pure Input Mixup of explicit inputs: images <c>[B,C,H,W]</c>, targets <c>[B,K]</c>, permutation <c>[B]</c>.</summary>
    public static MixResult Apply(Tensor images, Tensor targets, double lambda, Tensor permutation)
    {
        MixShapes.Check(images, targets, permutation);
        if (!(lambda >= 0 && lambda <= 1))
            throw new UsageException($"lambda must be in [0, 1]; got {lambda}.");
        using var scope = NewDisposeScope();
        var perm = permutation.to(images.device).to(ScalarType.Int64);
        var t = targets.to(images.device);
        var mixed = lambda * images + (1 - lambda) * images.index_select(0, perm);
        var mixedTargets = lambda * t + (1 - lambda) * t.index_select(0, perm);
        return new MixResult(mixed.MoveToOuterDisposeScope(), mixedTargets.MoveToOuterDisposeScope());
    }
}

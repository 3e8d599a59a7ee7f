using RLMix.Data;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>
/// CutMix (Yun et al. 2019): with probability <see cref="CutMixOptions.Prob"/>, one box per batch of area
/// about 1 - lambda, lambda ~ Beta(alpha, alpha), is pasted from each image's partner; lambda is then
/// corrected to the exact share of pixels kept.
/// </summary>
public sealed class CutMix : IMixer
{
    readonly CutMixOptions options;

    /// <summary>Creates the mixer; throws <see cref="UsageException"/> on invalid options.</summary>
    public CutMix(CutMixOptions options)
    {
        options.Validate();
        this.options = options;
    }

    /// <inheritdoc />
    public string Name => "cutmix";

    /// <inheritdoc />
    public bool NeedsSaliency => false;

    /// <inheritdoc />
    /// <remarks>
    /// Draw order: whether to mix (only when 0 &lt; prob &lt; 1), lambda (unless given), the box centre
    /// (column, then row), then the permutation (unless given). A batch that is not mixed comes back
    /// with its one-hot labels.
    /// </remarks>
    public MixResult Mix(Batch batch, MixContext context)
    {
        if (!Sampling.Chance(options.Prob, context.Generator)) return SoftTargets.Unmixed(batch, context.NumClasses);
        using var scope = NewDisposeScope();
        var inputs = batch.Inputs;
        double lambda = context.Lambda ?? Sampling.Beta(options.Alpha, context.Generator);
        var box = RandomBox((int)inputs.shape[2], (int)inputs.shape[3], lambda, context.Generator);
        var perm = context.Permutation ?? Sampling.Permutation(inputs.shape[0], context.Generator, inputs.device);
        var (result, _) = Apply(inputs, SoftTargets.OneHot(batch.Labels, context.NumClasses), box, perm);
        return new MixResult(result.Inputs.MoveToOuterDisposeScope(), result.Targets.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The standard CutMix box: side ratio sqrt(1 - lambda), centre uniform over the pixels, clipped to
    /// the image (so its area can be smaller than 1 - lambda near a border).
    /// </summary>
    public static CutMixBox RandomBox(int height, int width, double lambda, Generator generator)
    {
        if (!(lambda >= 0 && lambda <= 1))
            throw new UsageException($"lambda must be in [0, 1]; got {lambda}.");
        double ratio = Math.Sqrt(1 - lambda);
        int cutW = (int)(width * ratio), cutH = (int)(height * ratio);
        int cx = Sampling.Index(width, generator), cy = Sampling.Index(height, generator);
        return new CutMixBox(
            Math.Clamp(cx - cutW / 2, 0, width), Math.Clamp(cy - cutH / 2, 0, height),
            Math.Clamp(cx + cutW / 2, 0, width), Math.Clamp(cy + cutH / 2, 0, height));
    }

    /// <summary>
    /// The pure CutMix of explicit inputs: pastes <paramref name="box"/> of <c>images[permutation]</c> into
    /// <paramref name="images"/>. Returns the mix and the corrected lambda = 1 - box area / (H W).
    /// </summary>
    public static (MixResult Result, double Lambda) Apply(Tensor images, Tensor targets, CutMixBox box, Tensor permutation)
    {
        MixShapes.Check(images, targets, permutation);
        long h = images.shape[2], w = images.shape[3];
        if (box.X0 < 0 || box.Y0 < 0 || box.X1 > w || box.Y1 > h || box.X0 > box.X1 || box.Y0 > box.Y1)
            throw new UsageException($"The box ({box.X0}, {box.Y0}, {box.X1}, {box.Y1}) must satisfy 0 <= x0 <= x1 <= {w} and 0 <= y0 <= y1 <= {h}.");
        using var scope = NewDisposeScope();
        double lambda = 1.0 - (double)box.Area / (h * w);
        var perm = permutation.to(images.device).to(ScalarType.Int64);
        var t = targets.to(images.device);
        var mixed = images.clone();
        if (box.Area > 0)
        {
            var rows = TensorIndex.Slice(box.Y0, box.Y1);
            var cols = TensorIndex.Slice(box.X0, box.X1);
            mixed[TensorIndex.Ellipsis, rows, cols] = images[TensorIndex.Ellipsis, rows, cols].index_select(0, perm);
        }
        var mixedTargets = lambda * t + (1 - lambda) * t.index_select(0, perm);
        return (new MixResult(mixed.MoveToOuterDisposeScope(), mixedTargets.MoveToOuterDisposeScope()), lambda);
    }
}

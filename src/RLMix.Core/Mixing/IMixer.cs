using RLMix.Data;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>
/// A mixup augmentation: a batch and a context in, mixed inputs and soft targets out.
/// Implementations are batched tensor code on the batch's device (no per-image loops).
/// </summary>
public interface IMixer
{
    /// <summary>The method's name as used on the command line (e.g. <c>rmix</c>).</summary>
    string Name { get; }

    /// <summary>Whether <see cref="MixContext.Saliency"/> must be given.</summary>
    bool NeedsSaliency { get; }

    /// <summary>Mixes one batch. Returned tensors belong to the caller's dispose scope.</summary>
    MixResult Mix(Batch batch, MixContext context);
}

/// <summary>Everything a mixer may need beyond the batch. Null fields are drawn by the mixer.</summary>
/// <param name="NumClasses">Number of classes of the soft targets.</param>
/// <param name="Generator">Seeded generator for every random draw of the mixer.</param>
/// <param name="Saliency">phi(x) <c>[B, H, W]</c> before pooling and normalization, when the mixer needs it.</param>
/// <param name="Q">Per-image top-k values <c>[B]</c> in [0, 0.99] (R-Mix), when a policy gives them.</param>
/// <param name="Lambda">Mixing weight override.</param>
/// <param name="Permutation">Partner index per image <c>[B]</c> (int64) override.</param>
public sealed record MixContext(
    int NumClasses,
    Generator Generator,
    Tensor? Saliency = null,
    Tensor? Q = null,
    double? Lambda = null,
    Tensor? Permutation = null);

/// <summary>The output of a mixer.</summary>
/// <param name="Inputs">Mixed inputs <c>[B, C, H, W]</c>.</param>
/// <param name="Targets">Soft targets <c>[B, NumClasses]</c>, rows summing to 1.</param>
public sealed record MixResult(Tensor Inputs, Tensor Targets);

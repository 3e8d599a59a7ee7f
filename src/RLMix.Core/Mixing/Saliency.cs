using RLMix.Errors;
using RLMix.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>Saliency of R-Mix equation 2: phi(x) = sqrt(mean over channels of (dL/dx)^2).</summary>
/// <remarks>
/// The loss is the official code's <c>mean_b 2 * CE(logits_b, y_b) / N</c> (N = number of classes;
/// the Co-Mixup/PuzzleMix scaling). The scale does not change the normalized pooled maps R-Mix uses,
/// but it keeps raw phi(x) comparable with the official code's values (and RL-Mix's reward inputs).
/// </remarks>
public static class Saliency
{
    /// <summary>
    /// One forward/backward pass (train mode, as the official code) that asks only for the input
    /// gradient. Returns phi(x) <c>[B, H, W]</c> and the clean logits <c>[B, K]</c>, both detached.
    /// </summary>
    /// <remarks>
    /// The gradient is taken with <c>torch.autograd.grad</c> with respect to the input only, so the
    /// parameters' <c>.grad</c> are neither written nor accumulated, and libtorch skips the weight
    /// gradients. The model is left in train mode (BatchNorm statistics see the clean batch, as in
    /// the official code; the training step that follows uses train mode anyway).
    /// </remarks>
    public static (Tensor Saliency, Tensor Logits) Compute(ClassifierModel model, Tensor inputs, Tensor labels)
    {
        using var scope = NewDisposeScope();
        model.train();
        var x = inputs.detach().requires_grad_(true);
        var logits = model.forward(x);
        var loss = nn.functional.cross_entropy(logits, labels) * (2.0 / logits.shape[1]);
        var gradient = torch.autograd.grad([loss], [x])[0];
        var phi = FromInputGradient(gradient);
        return (phi.MoveToOuterDisposeScope(), logits.detach().MoveToOuterDisposeScope());
    }

    /// <summary>phi from an input gradient <c>[B, C, H, W]</c>: <c>[B, H, W]</c> (equation 2).</summary>
    public static Tensor FromInputGradient(Tensor gradient)
    {
        if (gradient.dim() != 4)
            throw new UsageException($"The input gradient must have shape [B, C, H, W]; got [{string.Join(", ", gradient.shape)}].");
        using var scope = NewDisposeScope();
        return gradient.detach().square().mean([1]).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Average-pools phi <c>[B, H, W]</c> to a <paramref name="grid"/> x grid map (kernel H/grid)
    /// normalized to sum 1 per image (equation 3).
    /// </summary>
    /// <remarks>
    /// Pooling then normalizing gives the same map as the paper's normalizing then pooling (average
    /// pooling is linear). A map that sums to 0 (a saturated loss) becomes uniform instead of NaN, so
    /// every cell ties and counts as top salient.
    /// </remarks>
    public static Tensor PoolAndNormalize(Tensor saliency, int grid)
    {
        if (saliency.dim() != 3)
            throw new UsageException($"The saliency must have shape [B, H, W]; got [{string.Join(", ", saliency.shape)}].");
        long h = saliency.shape[1], w = saliency.shape[2];
        if (grid < 1 || h % grid != 0 || w % grid != 0)
            throw new UsageException($"The grid size p = {grid} must divide the image sides {h} x {w} (the map is pooled with kernel H/p); use a p that divides them.");
        using var scope = NewDisposeScope();
        var pooled = nn.functional.avg_pool2d(saliency.unsqueeze(1), [h / grid, w / grid]).squeeze(1);
        var sum = pooled.sum([1, 2], keepdim: true);
        var normalized = where(sum > 0, pooled / sum.clamp_min(float.Epsilon), full_like(pooled, 1.0 / (grid * grid)));
        return normalized.MoveToOuterDisposeScope();
    }
}

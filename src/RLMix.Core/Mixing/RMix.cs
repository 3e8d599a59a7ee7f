// R-Mix (Random Mixup, paper section 3, equations 2-7), following the official training path
// minhlong94/Random-Mixup mixup.py::mix_topleast_choose_top as called from environment.py, with the
// defaults of parse_args.py. Every choice, in order:
//  1. Saliency phi(x) (eq. 2): Saliency.Compute, train mode, loss mean_b 2*CE/N, input gradient only.
//  2. p = patches per side: phi is average-pooled to a p x p grid with kernel H/p, stride = kernel,
//     no padding (the paper's "kernel_size = p" in eq. 3 is a slip; the code's kernels 8/16 on 32x32
//     are p = 4/2). p must divide H and W. The mixer draws p per batch uniformly from {2, 4}.
//  3. Each pooled map is normalized to sum 1 per image (eq. 3; pooling and normalizing commute).
//     A map summing to 0 becomes uniform (all cells tie, so all are top) instead of NaN.
//  4. q per image (float32), from K = 10 values linspace(0, 0.99) (RMixOptions.TopK) drawn uniformly, or
//     given by a policy. The random parts (p, q, lambda, permutation) are drawn by RMixSampler in one order.
//  5. Threshold = the q-quantile of the image's flattened pooled map with linear interpolation
//     (torch.quantile's default): sort v_0 <= ... <= v_{n-1}, r = q (n - 1) in float32,
//     threshold = lerp(v_floor(r), v_ceil(r), r - floor(r)). Batched: one sort, two gathers, one lerp.
//  6. m = (pooled >= threshold) (eq. 4): ties at the threshold count as top; q = 0 gives a full mask.
//  7. Masks upsampled by replication (nearest) to H x W, one channel shared by all image channels
//     (computed as a broadcast of each grid cell over its block; counts = cells x pixels per cell).
//  8. Partner of image i: images[permutation[i]], with its own mask m' = m[permutation[i]] (its own q).
//     The mixer draws a randperm of the batch (fixed points allowed, as torch.randperm in the code).
//  9. m_inter = (m == m') (eq. 5).
// 10. Image (eq. 6): x' = m_inter (lambda x + (1 - lambda) x_perm) + !m_inter (m x + m' x_perm),
//     computed as lerp(x_perm, x, w) with w = lambda on m_inter and m elsewhere (equal up to float
//     rounding in the m_inter region; exact copies elsewhere).
// 11. Label (eq. 7): with a = c(m_inter), b = c(!m_inter m), c = c(!m_inter m') counted over the
//     full-resolution masks and divided by H x W: y' = a (lambda y + (1 - lambda) y_perm) + b y + c y_perm.
//     Targets may be one-hot or soft [B, K]; a + b + c = 1, so rows keep their sum.
// 12. lambda: one per batch, Beta(alpha, alpha) with alpha = 1 (the code draws Dirichlet([1, 1])).
// 13. Training loss: soft-target cross-entropy (the official training loop); binary cross-entropy on
//     softmax outputs (the paper's eq. 1 and the code's usage example) is an option (RMixOptions.Loss).
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>R-Mix (equations 4-7), a pure function of explicit inputs.</summary>
public static class RMix
{
    /// <summary>
    /// Mixes <paramref name="images"/> <c>[B,C,H,W]</c> with their partners <c>images[permutation]</c>.
    /// <paramref name="targets"/>: one-hot or soft <c>[B,K]</c>; <paramref name="q"/>: float <c>[B]</c>
    /// in [0, 1]; <paramref name="p"/>: patches per side.
    /// </summary>
    /// <param name="saliency">phi(x) <c>[B,H,W]</c> before pooling and normalization.</param>
    /// <param name="lambda">Mixing weight of the image itself in the m_inter region, in [0, 1].</param>
    /// <param name="permutation">int64 <c>[B]</c>: the partner index of each image.</param>
    public static MixResult Mix(Tensor images, Tensor targets, Tensor saliency, Tensor q, double lambda, Tensor permutation, int p)
    {
        var (h, w) = CheckShapes(images, targets, saliency, q, permutation);
        if (!(lambda >= 0 && lambda <= 1))
            throw new UsageException($"lambda must be in [0, 1]; got {lambda}.");
        using var scope = NewDisposeScope();
        var device = images.device;
        var perm = permutation.to(device).to(ScalarType.Int64);
        long b = images.shape[0], c = images.shape[1], kh = h / p, kw = w / p;

        // Everything is decided per grid cell, so masks and weights stay [B, p, p]; the replication
        // upsampling (choice 7) is a broadcast over each cell's kh x kw block of pixels.
        var m = CellMasks(saliency.to(device), q.to(device), p);                    // eq. 4
        var mPartner = m.index_select(0, perm);
        var inter = m.eq(mPartner);                                                 // eq. 5
        var notInter = inter.logical_not();

        // Eq. 6: x' = w x + (1 - w) x_perm per cell, with w = lambda where m_inter and w = m elsewhere
        // (there m' = 1 - m), computed as one lerp(x_perm, x, w).
        var weight = where(inter, lambda, m.to(images.dtype)).view(b, 1, p, 1, p, 1);
        var partnerBlocks = images.index_select(0, perm).view(b, c, p, kh, p, kw);
        var mixed = partnerBlocks.lerp(images.view(b, c, p, kh, p, kw), weight).view(b, c, h, w);

        // Eq. 7: pixel counts of the full-resolution masks (kh * kw pixels per cell) divided by H x W.
        var t = targets.to(device);
        double pixelsPerCell = kh * kw, area = h * w;
        var a = inter.sum([1, 2]).to(t.dtype) * pixelsPerCell / area;
        var bSelf = (notInter & m).sum([1, 2]).to(t.dtype) * pixelsPerCell / area;
        var cPartner = (notInter & mPartner).sum([1, 2]).to(t.dtype) * pixelsPerCell / area;
        var mixedTargets = (a * lambda + bSelf).unsqueeze(1) * t + (a * (1 - lambda) + cPartner).unsqueeze(1) * t.index_select(0, perm);

        return new MixResult(mixed.MoveToOuterDisposeScope(), mixedTargets.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The top-salient masks of equation 4 on the grid: bool <c>[B,p,p]</c>, true where the cell's
    /// pooled, normalized saliency is at least the image's q-quantile (linear interpolation).
    /// </summary>
    public static Tensor CellMasks(Tensor saliency, Tensor q, int p)
    {
        using var scope = NewDisposeScope();
        long b = saliency.shape[0];
        var pooled = Saliency.PoolAndNormalize(saliency, p);                        // [B, p, p], eq. 3
        var threshold = Quantile(pooled.reshape(b, p * p), q.to(pooled.dtype));    // [B]
        return (pooled >= threshold.view(b, 1, 1)).MoveToOuterDisposeScope();       // eq. 4
    }

    /// <summary>
    /// The top-salient masks of equation 4, upsampled by replication: bool <c>[B,H,W]</c>, true where
    /// the cell's pooled, normalized saliency is at least the image's q-quantile (linear interpolation).
    /// </summary>
    public static Tensor Masks(Tensor saliency, Tensor q, int p)
    {
        using var scope = NewDisposeScope();
        long b = saliency.shape[0], h = saliency.shape[1], w = saliency.shape[2];
        var cells = CellMasks(saliency, q, p);
        return cells.view(b, p, 1, p, 1).expand(b, p, h / p, p, w / p).reshape(b, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The per-row quantile <c>[B]</c> of <paramref name="values"/> <c>[B, n]</c> at per-row levels
    /// <paramref name="q"/> <c>[B]</c> in [0, 1], with torch.quantile's linear interpolation.
    /// </summary>
    public static Tensor Quantile(Tensor values, Tensor q)
    {
        using var scope = NewDisposeScope();
        long n = values.shape[1];
        var sorted = values.sort(1).Values;
        var rank = (q * (n - 1)).unsqueeze(1);                                      // r = q (n - 1), as torch.quantile
        var below = rank.floor();
        var vBelow = sorted.gather(1, below.to(ScalarType.Int64));
        var vAbove = sorted.gather(1, rank.ceil().to(ScalarType.Int64));
        return vBelow.lerp(vAbove, rank - below).squeeze(1).MoveToOuterDisposeScope();
    }

    static (long H, long W) CheckShapes(Tensor images, Tensor targets, Tensor saliency, Tensor q, Tensor permutation)
    {
        MixShapes.Check(images, targets, permutation);
        long b = images.shape[0], h = images.shape[2], w = images.shape[3];
        if (saliency.dim() != 3 || saliency.shape[0] != b || saliency.shape[1] != h || saliency.shape[2] != w)
            throw new UsageException($"saliency must have shape [{b}, {h}, {w}]; got {MixShapes.Of(saliency)}.");
        if (q.dim() != 1 || q.shape[0] != b)
            throw new UsageException($"q must have shape [{b}]; got {MixShapes.Of(q)}.");
        return (h, w);
    }
}

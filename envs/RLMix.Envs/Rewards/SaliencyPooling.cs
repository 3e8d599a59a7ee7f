using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace RLMix.Envs.Rewards;

/// <summary>Helpers shared by the gradient-similarity rewards.</summary>
public static class SaliencyPooling
{
    /// <summary>
    /// Average-pools phi <c>[B, H, W]</c> to a grid x grid map with kernel and stride H / grid, NOT
    /// normalized (as the official reward); returns <c>[B, grid * grid]</c>.
    /// </summary>
    public static Tensor PoolFlat(Tensor saliency, int grid)
    {
        var kernel = saliency.shape[1] / grid;
        if (kernel < 1)
            throw new ArgumentException($"Saliency of side {saliency.shape[1]} cannot be pooled to a {grid}x{grid} grid.");
        using var scope = NewDisposeScope();
        var pooled = avg_pool2d(saliency.unsqueeze(1), kernel, kernel);
        return pooled.flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>Cosine similarity along the last axis, a.b / (max(|a|, eps) max(|b|, eps)), eps = 1e-12 as the official code.</summary>
    public static Tensor Cosine(Tensor a, Tensor b, double eps = 1e-12)
    {
        using var scope = NewDisposeScope();
        var dot = (a * b).sum(-1);
        var na = a.norm(-1).clamp_min(eps);
        var nb = b.norm(-1).clamp_min(eps);
        return (dot / (na * nb)).MoveToOuterDisposeScope();
    }
}

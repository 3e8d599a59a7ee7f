using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>Shape checks shared by the pure mixing functions; messages name the field and the expected shape.</summary>
public static class MixShapes
{
    public static void Check(Tensor images, Tensor targets, Tensor permutation)
    {
        if (images.dim() != 4)
            throw new UsageException($"images must have shape [B, C, H, W]; got {Of(images)}.");
        long b = images.shape[0];
        if (targets.dim() != 2 || targets.shape[0] != b)
            throw new UsageException($"targets must have shape [{b}, K]; got {Of(targets)}.");
        if (permutation.dim() != 1 || permutation.shape[0] != b)
            throw new UsageException($"permutation must have shape [{b}]; got {Of(permutation)}.");
    }

    public static string Of(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}

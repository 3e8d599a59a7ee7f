using RLMix.Models;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>Saliency of R-Mix equation 2: phi(x) = sqrt(mean over channels of (dL/dx)^2).</summary>
public static class Saliency
{
    /// <summary>
    /// One forward/backward pass (train mode, as the official code) that asks only for the input
    /// gradient. Returns phi(x) <c>[B, H, W]</c> and the clean logits <c>[B, K]</c>, both detached.
    /// </summary>
    public static (Tensor Saliency, Tensor Logits) Compute(ClassifierModel model, Tensor inputs, Tensor labels) =>
        throw new NotImplementedException("STUB: filled by the mixers work");

    /// <summary>phi from an input gradient <c>[B, C, H, W]</c>: <c>[B, H, W]</c>.</summary>
    public static Tensor FromInputGradient(Tensor gradient) => throw new NotImplementedException();

    /// <summary>Average-pools phi <c>[B, H, W]</c> to a <paramref name="grid"/> x grid map (kernel H/grid) normalized to sum 1 per image (equation 3).</summary>
    public static Tensor PoolAndNormalize(Tensor saliency, int grid) => throw new NotImplementedException();
}

using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>R-Mix (equations 4-7), a pure function of explicit inputs.</summary>
public static class RMix
{
    /// <summary>The K = 10 top-k values linspace(0, 0.99).</summary>
    public static IReadOnlyList<float> TopKValues { get; } = Enumerable.Range(0, 10).Select(i => (float)(0.99 * i / 9)).ToArray();

    /// <summary>
    /// Mixes <paramref name="images"/> <c>[B,C,H,W]</c> with their partners <c>images[permutation]</c>.
    /// <paramref name="targets"/>: one-hot or soft <c>[B,K]</c>; <paramref name="q"/>: float <c>[B]</c>;
    /// <paramref name="p"/>: patches per side.
    /// </summary>
    public static MixResult Mix(Tensor images, Tensor targets, Tensor saliency, Tensor q, double lambda, Tensor permutation, int p) =>
        throw new NotImplementedException("STUB: filled by the mixers work");
}

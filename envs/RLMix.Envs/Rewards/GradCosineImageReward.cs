using static TorchSharp.torch;

namespace RLMix.Envs.Rewards;

/// <summary>
/// <c>grad-cosine-image</c>: the same similarity as <see cref="GradCosineReward"/>, per image
/// (<c>[B]</c>), for per-image credit assignment.
/// </summary>
public sealed class GradCosineImageReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "grad-cosine-image";

    /// <inheritdoc />
    public Tensor Compute(RewardContext context)
    {
        using var scope = NewDisposeScope();
        var clean = SaliencyPooling.PoolFlat(context.CleanSaliency, context.ObservationGrid);
        var mixed = SaliencyPooling.PoolFlat(context.MixedSaliency, context.ObservationGrid);
        return SaliencyPooling.Cosine(clean, mixed).MoveToOuterDisposeScope();
    }
}

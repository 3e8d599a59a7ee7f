using static TorchSharp.torch;

namespace RLMix.Envs.Rewards;

/// <summary>
/// <c>grad-cosine</c>, the paper's and the official code's reward (the default): CosSim(phi(x), phi(x'))
/// where both maps are average-pooled to the observation grid (kernel H/G), not normalized, and the
/// whole batch is flattened into one vector. One value per batch.
/// </summary>
public sealed class GradCosineReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "grad-cosine";

    /// <inheritdoc />
    public Tensor Compute(RewardContext context)
    {
        using var scope = NewDisposeScope();
        var clean = SaliencyPooling.PoolFlat(context.CleanSaliency, context.ObservationGrid).flatten();
        var mixed = SaliencyPooling.PoolFlat(context.MixedSaliency, context.ObservationGrid).flatten();
        return SaliencyPooling.Cosine(clean, mixed).MoveToOuterDisposeScope();
    }
}

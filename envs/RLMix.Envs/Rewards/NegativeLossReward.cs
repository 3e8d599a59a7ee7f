using static TorchSharp.torch;

namespace RLMix.Envs.Rewards;

/// <summary>
/// <c>negative-loss</c>: minus the mixed batch's training loss (one value per batch). Rewards easy
/// mixes; a baseline against which the gradient-similarity rewards can be judged.
/// </summary>
public sealed class NegativeLossReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "negative-loss";

    /// <inheritdoc />
    public Tensor Compute(RewardContext context) => context.Loss.detach().neg();
}

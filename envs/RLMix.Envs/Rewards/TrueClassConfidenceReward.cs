using static TorchSharp.torch;

namespace RLMix.Envs.Rewards;

/// <summary>
/// <c>true-class-confidence</c>: per image, the classifier's softmax probability, on the mixed image,
/// of the class with the largest target weight. Rewards mixes the classifier can still recognise.
/// </summary>
public sealed class TrueClassConfidenceReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "true-class-confidence";

    /// <inheritdoc />
    public Tensor Compute(RewardContext context)
    {
        using var scope = NewDisposeScope();
        var probabilities = context.MixedLogits.softmax(-1);
        var top = context.Targets.argmax(-1, keepdim: true);
        return probabilities.gather(-1, top).squeeze(-1).MoveToOuterDisposeScope();
    }
}

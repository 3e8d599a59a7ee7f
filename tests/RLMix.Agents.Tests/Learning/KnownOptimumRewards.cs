using RLMix.Envs.Rewards;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests.Learning;

/// <summary>
/// Per image, 1 when the chosen q index is <see cref="TargetIndex"/> of the image's label, else 0.
/// The label reaches the agent only through the clean logits in its observation, so the classifier's
/// accuracy bounds what a policy can reach.
/// </summary>
public sealed class LabelIndexReward : IRewardFunction
{
    /// <summary>The rewarded index for class <paramref name="label"/>: a fixed permutation of 0..9.</summary>
    public static long TargetIndex(long label) => (3 * label + 1) % 10;

    /// <inheritdoc />
    public string Name => "label-index";

    /// <inheritdoc />
    public Tensor Compute(RewardContext context)
    {
        using var scope = NewDisposeScope();
        var target = (context.Labels * 3 + 1).remainder(10);
        return context.Actions.eq(target).to(float32).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Per image, 1 when the chosen q index is 9 if the left half of the observed G x G saliency grid
/// holds more mass than the right half, and 0 otherwise; else 0. The optimum is reachable exactly
/// from the observation's saliency cells (the same pooling and normalization as MixupEnv's).
/// </summary>
public sealed class SaliencySideReward : IRewardFunction
{
    /// <inheritdoc />
    public string Name => "saliency-side";

    /// <summary>
    /// Per step, the share of the batch's images whose target is 9: the best policy blind to the saliency
    /// (a constant index) scores the larger of it and one minus it, which moves with the classifier's saliency.
    /// </summary>
    public List<double> ShareWantingNine { get; } = [];

    /// <inheritdoc />
    public Tensor Compute(RewardContext context)
    {
        using var scope = NewDisposeScope();
        var targets = TargetIndices(context.CleanSaliency, context.ObservationGrid);
        ShareWantingNine.Add(targets.eq(9L).to(float32).mean().item<float>());
        return context.Actions.eq(targets).to(float32).MoveToOuterDisposeScope();
    }

    /// <summary>9 where the left half of the pooled, normalized grid holds more mass, else 0; <c>[B]</c>.</summary>
    public static Tensor TargetIndices(Tensor saliency, int grid)
    {
        using var scope = NewDisposeScope();
        var pooled = Saliency.PoolAndNormalize(saliency, grid);                // [B, G, G], rows sum to 1
        var left = pooled.narrow(2, 0, grid / 2).sum([1, 2]);
        return where(left > 0.5, tensor(9L), tensor(0L)).MoveToOuterDisposeScope();
    }
}

using static TorchSharp.torch;

namespace RLMix.Envs.Rewards;

/// <summary>
/// Everything MixupEnv knows after one step, for a reward to use. All tensors are detached and on
/// the training device; they come from the clean pass (that built the observation and R-Mix's
/// saliency) and from the mixed training pass: no extra passes.
/// </summary>
/// <param name="CleanSaliency">phi(x) <c>[B, H, W]</c> of the clean batch, before pooling and normalization.</param>
/// <param name="MixedSaliency">phi(x') <c>[B, H, W]</c> from the input gradient of the mixed training pass, before pooling and normalization.</param>
/// <param name="CleanLogits">Logits <c>[B, N]</c> of the clean pass (before the training step).</param>
/// <param name="MixedLogits">Logits <c>[B, N]</c> of the mixed training pass.</param>
/// <param name="Labels">Integer labels <c>[B]</c> of the clean batch.</param>
/// <param name="Targets">Soft targets <c>[B, N]</c> of the mixed batch (R-Mix equation 7).</param>
/// <param name="Actions">The agent's action indices <c>[B]</c> (int64).</param>
/// <param name="Q">The top-k values <c>[B]</c> those actions chose.</param>
/// <param name="Loss">The mixed batch's scalar training loss.</param>
/// <param name="ObservationGrid">Side of the pooled grid the agent sees (<see cref="Mixup.ObservationLayout.Grid"/>; 8 in the paper).</param>
public sealed record RewardContext(
    Tensor CleanSaliency,
    Tensor MixedSaliency,
    Tensor CleanLogits,
    Tensor MixedLogits,
    Tensor Labels,
    Tensor Targets,
    Tensor Actions,
    Tensor Q,
    Tensor Loss,
    int ObservationGrid)
{
    /// <summary>Batch size.</summary>
    public int BatchSize => (int)Labels.shape[0];
}

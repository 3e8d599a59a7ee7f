using RLMix.Data;
using RLMix.Envs.Rewards;
using RLMix.Mixing;
using RLMix.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace RLMix.Envs.Mixup;

/// <summary>
/// One RL-Mix step on a batch whose clean pass is done: R-Mix with each image's q (equations 4-7),
/// one training step whose input gradient gives phi(x') (equation 2), and the reward. Shared by
/// <see cref="MixupEnv.Step"/> and the <c>rlmix</c> training method, so both compute the same thing.
/// </summary>
public static class RLMixStep
{
    /// <summary>Runs the step. Returned tensors belong to the caller's dispose scope.</summary>
    /// <param name="draw">
    /// R-Mix's random parts from <see cref="RMixSampler.Draw"/> (p, the actions, lambda, the permutation,
    /// in that order): with a policy's actions given, or drawn uniformly (the <c>random</c> policy, i.e. R-Mix).
    /// </param>
    public static Result Run(IMixupBackend backend, Batch batch, Tensor cleanSaliency, Tensor cleanLogits,
        RMixDraw draw, IRewardFunction reward, ObservationLayout layout)
    {
        var actions = draw.Actions ?? throw new ArgumentException("RL-Mix's step needs the per-image top-k indices (draw the q's as actions, not values).", nameof(draw));
        var q = draw.Q;
        var oneHot = one_hot(batch.Labels, layout.NumClasses).to(float32);

        var mixed = backend.Mix(batch.Inputs, oneHot, cleanSaliency, q, draw.Lambda, draw.Permutation, draw.P);    // eqs. 4-7
        var step = backend.TrainStep(mixed.Inputs, mixed.Targets);
        var gradient = step.InputGradient ?? throw new InvalidOperationException("The training step returned no input gradient; it must be asked for one (phi(x') comes from it).");
        var mixedSaliency = backend.SaliencyFromGradient(gradient);                                              // phi(x'), eq. 2

        var context = new RewardContext(cleanSaliency, mixedSaliency, cleanLogits, step.Logits.detach(), batch.Labels,
            mixed.Targets.detach(), actions, q, step.Loss.detach(), layout.Grid);
        var r = RewardRegistry.Compute(reward, context, (int)batch.Labels.shape[0]);
        return new Result(step, r, q);
    }

    /// <summary>What a step produced.</summary>
    /// <param name="Step">The training step (loss, logits, input gradient).</param>
    /// <param name="Reward">The reward: a scalar, or one value per image <c>[B]</c>.</param>
    /// <param name="Q">The q of each image <c>[B]</c>.</param>
    public sealed record Result(StepResult Step, Tensor Reward, Tensor Q);
}

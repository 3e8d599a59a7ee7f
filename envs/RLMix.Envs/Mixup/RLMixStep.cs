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
    /// <summary>The random parts of a step, drawn from <paramref name="generator"/> in a fixed order with the mixers' <see cref="Sampling"/>: lambda ~ Beta(alpha, alpha), the partner permutation, p.</summary>
    public static (double Lambda, Tensor Permutation, int P) Draw(MixupEnvOptions options, int batchSize, Generator generator, Device device)
    {
        var lambda = Sampling.Beta(options.Alpha, generator);
        var permutation = Sampling.Permutation(batchSize, generator, device);
        var p = options.Patches[Sampling.Index(options.Patches.Length, generator)];
        return (lambda, permutation, p);
    }

    /// <summary>Runs the step. Returned tensors belong to the caller's dispose scope.</summary>
    /// <param name="actions">Per-image indices into <see cref="RMix.TopKValues"/> <c>[B]</c>.</param>
    public static Result Run(IMixupBackend backend, Batch batch, Tensor cleanSaliency, Tensor cleanLogits, Tensor actions,
        (double Lambda, Tensor Permutation, int P) draw, IRewardFunction reward, int numClasses, int observationGrid)
    {
        var device = batch.Inputs.device;
        actions = actions.to(int64).to(device);
        var q = tensor(RMix.TopKValues.ToArray(), dtype: float32, device: device).index_select(0, actions);
        var oneHot = one_hot(batch.Labels, numClasses).to(float32);

        var mixed = backend.Mix(batch.Inputs, oneHot, cleanSaliency, q, draw.Lambda, draw.Permutation, draw.P);    // eqs. 4-7
        var step = backend.TrainStep(mixed.Inputs, mixed.Targets);
        var gradient = step.InputGradient ?? throw new InvalidOperationException("The training step returned no input gradient; it must be asked for one (phi(x') comes from it).");
        var mixedSaliency = backend.SaliencyFromGradient(gradient);                                              // phi(x'), eq. 2

        var context = new RewardContext(cleanSaliency, mixedSaliency, cleanLogits, step.Logits.detach(), batch.Labels,
            mixed.Targets.detach(), actions, q, step.Loss.detach(), observationGrid);
        var r = RewardRegistry.Compute(reward, context, (int)batch.Labels.shape[0]);
        return new Result(step, r, q);
    }

    /// <summary>What a step produced.</summary>
    /// <param name="Step">The training step (loss, logits, input gradient).</param>
    /// <param name="Reward">The reward: a scalar, or one value per image <c>[B]</c>.</param>
    /// <param name="Q">The q of each image <c>[B]</c>.</param>
    public sealed record Result(StepResult Step, Tensor Reward, Tensor Q);
}

using static TorchSharp.torch;

namespace RLMix.Envs.Rewards;

/// <summary>
/// A reward for MixupEnv. Implement it in your own assembly and pass an instance to MixupEnv, or
/// load it with <see cref="RewardRegistry.Load"/> (the CLI's <c>--reward-plugin</c>). A plugin type
/// needs a public parameterless constructor.
/// </summary>
public interface IRewardFunction
{
    /// <summary>The reward's name (shown in logs and errors).</summary>
    string Name { get; }

    /// <summary>
    /// The reward of one step: a scalar (one value for the batch) or <c>[B]</c> (one value per image;
    /// the env's reward is then their mean and its info carries the values). Must be finite. Runs
    /// inside the env's dispose scope: return a new tensor, it is disposed after the step.
    /// </summary>
    Tensor Compute(RewardContext context);
}

using static TorchSharp.torch;

namespace RLMix.Envs.Rewards;

/// <summary>
/// A reward for MixupEnv. Implement it in your own assembly and pass an instance to MixupEnv, or
/// load it with <see cref="RewardRegistry.Load"/> (the CLI's <c>--reward-plugin</c>). A plugin type
/// needs a public parameterless constructor. Its assembly is loaded once per process and every run gets a
/// new instance: keep a reward's state in the instance, not in statics (the runs of a process share those).
/// </summary>
public interface IRewardFunction
{
    /// <summary>The reward's name (shown in logs and errors).</summary>
    string Name { get; }

    /// <summary>
    /// The reward of one step: a scalar (one value for the batch) or <c>[B]</c> (one value per image;
    /// the env's reward is then their mean and its info carries the values). Must be finite.
    /// <para>Ownership: this runs inside the env's dispose scope, and the env owns the returned tensor
    /// and disposes it after the step. Return a new tensor on every call; never return a tensor you
    /// keep (a field, a cache): it is disposed after the first step, and the next step fails with an
    /// error naming the reward. To reuse a constant, return <c>cached.clone()</c>. The tensors of
    /// <see cref="RewardContext"/> belong to the env too: read them, do not keep them.</para>
    /// <para>An exception thrown here stops the run with an error naming the reward's type and assembly.</para>
    /// </summary>
    Tensor Compute(RewardContext context);
}

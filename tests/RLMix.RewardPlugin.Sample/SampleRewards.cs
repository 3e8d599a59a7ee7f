using RLMix.Envs.Rewards;
using static TorchSharp.torch;

namespace RLMix.RewardPlugin.Sample;

/// <summary>A valid plugin reward: the mean q the agent chose (one value per batch).</summary>
public sealed class MeanQReward : IRewardFunction
{
    public string Name => "mean-q";

    public Tensor Compute(RewardContext context) => context.Q.mean();
}

/// <summary>A broken plugin reward: returns B + 1 values.</summary>
public sealed class WrongShapeReward : IRewardFunction
{
    public string Name => "wrong-shape";

    public Tensor Compute(RewardContext context) => zeros(context.BatchSize + 1);
}

/// <summary>A broken plugin reward: returns NaN.</summary>
public sealed class NanReward : IRewardFunction
{
    public string Name => "nan";

    public Tensor Compute(RewardContext context) => tensor(float.NaN);
}

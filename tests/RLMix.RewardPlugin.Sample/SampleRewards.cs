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

/// <summary>A broken plugin reward: throws in Compute.</summary>
public sealed class ThrowingReward : IRewardFunction
{
    public string Name => "throwing";

    public Tensor Compute(RewardContext context) => throw new InvalidOperationException("sample failure in Compute");
}

/// <summary>A broken plugin reward: keeps the tensor it returned the first time and returns it again (the env disposed it).</summary>
public sealed class CachedReward : IRewardFunction
{
    Tensor? cached;

    public string Name => "cached";

    public Tensor Compute(RewardContext context) => cached ??= tensor(1f);
}

/// <summary>An open generic reward type: not a candidate (it cannot be created without a type argument).</summary>
public sealed class OpenGenericReward<T> : IRewardFunction
{
    public string Name => "open-generic";

    public Tensor Compute(RewardContext context) => tensor(0f);
}

/// <summary>
/// A plugin reward that hangs (a stuck I/O call, a deadlock) from its Nth call on: N is the
/// environment variable RLMIX_SAMPLE_HANG_AT (default 3). Prints "hanging" to stderr when it does.
/// </summary>
public sealed class HangingReward : IRewardFunction
{
    int calls;

    public string Name => "hanging";

    public Tensor Compute(RewardContext context)
    {
        int hangAt = int.TryParse(Environment.GetEnvironmentVariable("RLMIX_SAMPLE_HANG_AT"), out var n) ? n : 3;
        if (++calls >= hangAt)
        {
            Console.Error.WriteLine("hanging");
            Thread.Sleep(Timeout.Infinite);
        }
        return context.Q.mean();
    }
}

/// <summary>
/// The mean q (as <see cref="MeanQReward"/>), but its Nth call in a process waits until a file exists: the file is the
/// environment variable RLMIX_SAMPLE_GATE, N is RLMIX_SAMPLE_GATE_AT (default 2); without RLMIX_SAMPLE_GATE it never
/// waits. A test can so hold a run at an exact batch (it prints "waiting at the gate" to stderr), signal it, and let it
/// go on. The values do not depend on the wait.
/// </summary>
public sealed class GatedReward : IRewardFunction
{
    int calls;

    public string Name => "gated";

    public Tensor Compute(RewardContext context)
    {
        string? gate = Environment.GetEnvironmentVariable("RLMIX_SAMPLE_GATE");
        int at = int.TryParse(Environment.GetEnvironmentVariable("RLMIX_SAMPLE_GATE_AT"), out var n) ? n : 2;
        if (gate is not null && ++calls == at && !File.Exists(gate))
        {
            Console.Error.WriteLine("waiting at the gate");
            while (!File.Exists(gate)) Thread.Sleep(50);
        }
        return context.Q.mean();
    }
}

using System.Reflection;
using RLMix.Envs.Mixup;
using RLMix.Envs.Rewards;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

/// <summary>Broken reward plug-ins stop with an error that names them, and break no rule silently.</summary>
public sealed class RewardPluginFailureTests
{
    const int B = 4;
    const int N = 3;

    static string PluginPath => typeof(RewardPluginFailureTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RewardPluginPath").Value!;

    static MixupEnv Env(IRewardFunction reward) =>
        new(new FakeMixupBackend(N), SyntheticBatches.Source(B, 3, 0), N, B, reward, new MixupEnvOptions { TotalEpochs = 10 }, seed: 11, batchesPerEpoch: 3);

    [Fact]
    public void AThrowingCompute_IsAUsageErrorNamingTheTypeAndTheDll()
    {
        using var env = Env(RewardRegistry.LoadPlugin(PluginPath, "RLMix.RewardPlugin.Sample.ThrowingReward"));
        env.Reset();
        var e = Assert.Throws<UsageException>(() => env.Step(zeros(B, dtype: int64)));
        Assert.Contains("RLMix.RewardPlugin.Sample.ThrowingReward", e.Message);
        Assert.Contains("RLMix.RewardPlugin.Sample.dll", e.Message);
        Assert.Contains("sample failure in Compute", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    [Fact]
    public void ACachedTensor_FailsAtStep2_WithTheOwnershipRule()
    {
        using var env = Env(RewardRegistry.LoadPlugin(PluginPath, "RLMix.RewardPlugin.Sample.CachedReward"));
        env.Reset();
        env.Step(zeros(B, dtype: int64));   // step 1 works: the tensor is new
        var e = Assert.Throws<UsageException>(() => env.Step(zeros(B, dtype: int64)));
        Assert.Contains("RLMix.RewardPlugin.Sample.CachedReward", e.Message);
        Assert.Contains("already disposed", e.Message);
        Assert.Contains("clone()", e.Message);
    }

    [Fact]
    public void AnOpenGenericType_IsNotACandidate()
    {
        var e = Assert.Throws<UsageException>(() => RewardRegistry.LoadPlugin(PluginPath));
        Assert.Contains("several reward types", e.Message);
        Assert.Contains("RLMix.RewardPlugin.Sample.MeanQReward", e.Message);
        Assert.DoesNotContain("OpenGenericReward", e.Message);
        var named = Assert.Throws<UsageException>(() => RewardRegistry.LoadPlugin(PluginPath, "RLMix.RewardPlugin.Sample.OpenGenericReward`1"));
        Assert.Contains("has no type", named.Message);
    }
}

using System.Reflection;
using System.Runtime.Loader;
using RLMix.Envs.Rewards;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

public sealed class RewardRegistryTests
{
    static string PluginPath => typeof(RewardRegistryTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RewardPluginPath").Value!;

    [Fact]
    public void Load_WithNothing_IsTheDefaultGradCosine()
    {
        Assert.Equal("grad-cosine", RewardRegistry.Load(null, null, null).Name);
    }

    [Fact]
    public void Create_EveryBuiltInName_ReturnsThatReward()
    {
        Assert.Equal(["grad-cosine", "grad-cosine-image", "negative-loss", "true-class-confidence"], RewardRegistry.BuiltInNames);
        foreach (var name in RewardRegistry.BuiltInNames) Assert.Equal(name, RewardRegistry.Create(name).Name);
    }

    [Fact]
    public void Create_UnknownName_ListsTheBuiltIns()
    {
        var e = Assert.Throws<UsageException>(() => RewardRegistry.Create("cosine"));
        Assert.Contains("Unknown reward 'cosine'", e.Message);
        Assert.Contains("grad-cosine-image", e.Message);
    }

    [Fact]
    public void LoadPlugin_WithTypeName_LoadsTheUsersReward_ThatWorksOnHostTensors()
    {
        var reward = RewardRegistry.Load(null, PluginPath, "RLMix.RewardPlugin.Sample.MeanQReward");
        Assert.Equal("mean-q", reward.Name);
        var context = new RewardContext(zeros(2, 8, 8), zeros(2, 8, 8), zeros(2, 3), zeros(2, 3), zeros(2, dtype: int64),
            zeros(2, 3), zeros(2, dtype: int64), tensor(new[] { 0.2f, 0.6f }), tensor(0f), ObservationGrid: 8);
        using var r = reward.Compute(context);
        Assert.Equal(0.4f, r.item<float>(), 5);
    }

    [Fact]
    public void LoadPlugin_SeveralTypes_WithoutTypeName_AsksForRewardType()
    {
        var e = Assert.Throws<UsageException>(() => RewardRegistry.LoadPlugin(PluginPath));
        Assert.Contains("several reward types", e.Message);
        Assert.Contains("--reward-type", e.Message);
        Assert.Contains("RLMix.RewardPlugin.Sample.NanReward", e.Message);
    }

    [Fact]
    public void LoadPlugin_UnknownTypeName_ListsTheAssemblysRewards()
    {
        var e = Assert.Throws<UsageException>(() => RewardRegistry.LoadPlugin(PluginPath, "Nope.Reward"));
        Assert.Contains("no type 'Nope.Reward'", e.Message);
        Assert.Contains("MeanQReward", e.Message);
    }

    [Fact]
    public void LoadPlugin_MissingFile_NamesThePath()
    {
        var e = Assert.Throws<UsageException>(() => RewardRegistry.LoadPlugin("does/not/exist.dll"));
        Assert.Contains("'does/not/exist.dll' does not exist", e.Message);
    }

    [Fact]
    public void LoadPlugin_NotAnAssembly_SaysItCannotBeLoaded()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rlmix-not-an-assembly-{Environment.ProcessId}.dll");
        File.WriteAllText(path, "this is not a .NET assembly");
        try
        {
            var e = Assert.Throws<UsageException>(() => RewardRegistry.LoadPlugin(path));
            Assert.Contains("cannot be loaded", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void LoadPlugin_AssemblyWithoutRewards_SaysSo()
    {
        var core = typeof(RLMix.Data.Batch).Assembly.Location;
        var e = Assert.Throws<UsageException>(() => RewardRegistry.LoadPlugin(core));
        Assert.Contains("has no non-abstract type implementing", e.Message);
    }

    [Fact]
    public void Load_NameAndPluginTogether_IsAnError()
    {
        Assert.Throws<UsageException>(() => RewardRegistry.Load("grad-cosine", PluginPath, null));
        Assert.Throws<UsageException>(() => RewardRegistry.Load(null, null, "Some.Type"));
    }

    [Fact]
    public void LoadPlugin_TheSameFileTwice_LoadsItOnce_AndGivesANewInstanceOfTheSameTypeEachTime()
    {
        const string type = "RLMix.RewardPlugin.Sample.MeanQReward";
        var first = RewardRegistry.LoadPlugin(PluginPath, type);
        var second = RewardRegistry.Load(null, PluginPath, type);

        Assert.NotSame(first, second);
        Assert.Same(first.GetType(), second.GetType());
        // Every test of this process that loads the plug-in shares this one load.
        Assert.Single(ContextsHolding(Path.GetFullPath(PluginPath)));
    }

    static AssemblyLoadContext[] ContextsHolding(string path) =>
        AssemblyLoadContext.All.Where(c => c.Assemblies.Any(a => a.Location == path)).ToArray();

    [Theory]
    [InlineData("RLMix.RewardPlugin.Sample.WrongShapeReward", "wrong-shape", "shape (3)")]
    [InlineData("RLMix.RewardPlugin.Sample.NanReward", "nan", "non-finite")]
    public void Validate_BadPluginOutput_NamesTheReward(string type, string name, string what)
    {
        var reward = RewardRegistry.LoadPlugin(PluginPath, type);
        var context = new RewardContext(zeros(2, 8, 8), zeros(2, 8, 8), zeros(2, 3), zeros(2, 3), zeros(2, dtype: int64),
            zeros(2, 3), zeros(2, dtype: int64), zeros(2), tensor(0f), ObservationGrid: 8);
        using var r = reward.Compute(context);
        var e = Assert.Throws<UsageException>(() => RewardRegistry.Validate(reward, r, 2));
        Assert.Contains($"Reward '{name}'", e.Message);
        Assert.Contains(what, e.Message);
    }
}

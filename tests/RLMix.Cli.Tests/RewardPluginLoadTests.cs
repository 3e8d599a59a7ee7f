using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using RLMix.Agents;
using RLMix.Methods;
using RLMix.Training;

namespace RLMix.Cli.Tests;

/// <summary>A run checks its options (creating the method once) and then creates the method it trains: one load of the reward plug-in serves both.</summary>
public sealed class RewardPluginLoadTests
{
    static string PluginPath => typeof(RewardPluginLoadTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RewardPluginPath").Value!;

    [Fact]
    public void TheOptionsCheck_AndTheRunsMethod_ShareOneLoadOfThePlugin()
    {
        var methods = RLMixMethod.AddTo(BuiltInMethods.Catalog());
        var settings = MethodSettings.Defaults.With("rlmix", new JsonObject
        {
            ["policy"] = "random", ["reward_plugin"] = PluginPath, ["reward_type"] = "RLMix.RewardPlugin.Sample.MeanQReward",
        });

        var resolved = methods.Check("rlmix", settings);
        using (methods.Create("rlmix", resolved)) { }

        string path = Path.GetFullPath(PluginPath);
        Assert.Single(AssemblyLoadContext.All, c => c.Assemblies.Any(a => a.Location == path));
    }
}

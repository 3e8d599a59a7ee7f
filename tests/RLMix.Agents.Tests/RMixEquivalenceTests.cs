using System.Text.Json;
using System.Text.Json.Nodes;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Training;

namespace RLMix.Agents.Tests;

/// <summary>
/// One R-Mix: <c>--method rlmix</c> with the <c>random</c> policy draws p, q, lambda and the permutation
/// through the same sampler, in the same order, from the same generator as <c>--method rmix</c>, and
/// trains with the same step, so the two runs are one run.
/// </summary>
public sealed class RMixEquivalenceTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-equiv-").FullName;

   
    public void Dispose() => Directory.Delete(dir, recursive: true);

    static RunConfig Config(string method, string rmixOptions)
    {
        var rmix = JsonNode.Parse(rmixOptions)!;
        var section = method == "rmix" ? rmix : new JsonObject { ["policy"] = "random", ["rmix"] = rmix };
        return new RunConfig
        {
            Method = method, Epochs = 2, Seed = 5,
            Data = new DataOptions { Dataset = "synthetic", LimitTrain = 200, LimitTest = 100, BatchSize = 50 },
            Methods = new MethodSettings(new Dictionary<string, JsonElement> { [method] = JsonSerializer.SerializeToElement(section) }),
        };
    }

    [Theory]
    [InlineData("{}")]                                                                   // the defaults
    [InlineData("""{ "alpha": 0.4, "patches": [4, 2, 8], "k": 5, "loss": "bce" }""")]     // every option, embedded as "rlmix": { "rmix": ... }
    public void RLMixWithTheRandomPolicy_IsRMix_BitForBit(string rmixOptions)
    {
        var rmix = TrainingRun.Run(TestMethods.Catalog, Config("rmix", rmixOptions), new RunOptions(Path.Combine(dir, "rmix")));
        var rlmix = TrainingRun.Run(TestMethods.Catalog, Config("rlmix", rmixOptions), new RunOptions(Path.Combine(dir, "rlmix")));

        Assert.Equal(rmix.Top1Error, rlmix.Top1Error);
        Assert.Equal(rmix.Ece, rlmix.Ece);
        Assert.Equal(rmix.FgsmError, rlmix.FgsmError);
        Assert.Equal(rmix.History.Select(h => (h.Epoch, h.TrainLoss, h.TestError, h.Lr)), rlmix.History.Select(h => (h.Epoch, h.TrainLoss, h.TestError, h.Lr)));
        // rlmix counts its q's; with K = k every image got one of the K values.
        int k = rmixOptions.Contains("\"k\"") ? 5 : 10;
        Assert.All(rlmix.History, h => Assert.Equal(200, Enumerable.Range(0, k).Sum(i => h.Extra![$"q_{i}"])));
    }

    [Fact]
    public void RMix_IsNotVanilla()
    {
        // Guards the test above: the two runs are equal because they mix alike, not because neither mixes.
        var rmix = TrainingRun.Run(TestMethods.Catalog, Config("rmix", "{}"), new RunOptions(Path.Combine(dir, "rmix")));
        var vanilla = TrainingRun.Run(TestMethods.Catalog, Config("rmix", "{}") with { Method = "vanilla", Methods = MethodSettings.Defaults }, new RunOptions(Path.Combine(dir, "vanilla")));
        Assert.NotEqual(vanilla.History.Select(h => h.TrainLoss), rmix.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void RLMixConfig_TakesRMixOptionsUnderRmix_AndNamesBadKeys()
    {
        static MethodSettings Section(string json) => new(new Dictionary<string, JsonElement> { ["rlmix"] = JsonDocument.Parse(json).RootElement.Clone() });
        var options = Section("""{ "rmix": { "alpha": 0.3, "patches": [4], "k": 4 } }""").Get<RLMixOptions>("rlmix");
        Assert.Equal(new RLMix.Mixing.RMixOptions { Alpha = 0.3, Patches = options.RMix.Patches, K = 4 }, options.RMix);
        Assert.Equal([4], options.RMix.Patches);
        Assert.Equal(0.3, options.Env().RMix.Alpha);

        // The keys that moved into "rmix" are refused, and the message lists "rmix" among the allowed keys.
        var moved = Assert.Throws<RLMix.Errors.UsageException>(() => Section("""{ "alpha": 0.3 }""").Get<RLMixOptions>("rlmix"));
        Assert.Contains("alpha", moved.Message);
        Assert.Contains(" rmix", moved.Message);
        Assert.Contains("rlmix.rmix.alpha", Assert.Throws<RLMix.Errors.UsageException>(() => new RLMixMethod(new RLMixOptions { RMix = new() { Alpha = 0 } })).Message);
    }
}

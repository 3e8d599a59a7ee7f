using RLMix.Errors;
using RLMix.Experiments.Mix;

namespace RLMix.Experiments.Tests;

/// <summary>Sizes a user can type in a comparison config or an <c>rlmix mix</c> input are checked before anything is allocated.</summary>
public sealed class LimitsTests
{
    [Fact]
    public void ComparisonConfig_ADuplicateKey_IsAUsageErrorNamingTheKey()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rlmix-dup-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "seeds": [0], "seeds": [1, 2], "entries": [ { "name": "v", "method": "vanilla" } ] }""");
        try
        {
            var e = Assert.Throws<UsageException>(() => RLMix.Experiments.ExperimentConfig.Load(path));
            Assert.Contains("duplicate key 'seeds'", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(1_000_000_000L)]
    [InlineData(2_147_483_648L)]
    public void Mix_HugeNumClasses_IsAUsageErrorBeforeTheOneHot(long k)
    {
        var json = $$"""{ "images": { "shape": [2, 1, 2, 2], "data": [0,0,0,0,0,0,0,0] }, "labels": { "shape": [2], "data": [0, 1] }, "num_classes": {{k}}, "permutation": { "shape": [2], "data": [1, 0] }, "lambda": 0.5 }""";
        var e = Assert.Throws<UsageException>(() => MixCommandCore.RunText("mixup", json));
        Assert.Contains($"'num_classes' = {k}", e.Message);
    }

    [Theory]
    [InlineData("rmix", """, "saliency": { "shape": [2, 0, 0], "data": [] }, "q": { "shape": [2], "data": [0.5, 0.5] }, "lambda": 0.5, "p": 1""")]
    [InlineData("cutmix", """, "lambda": 0.5, "seed": 1""")]
    [InlineData("mixup", """, "lambda": 0.5""")]
    public void Mix_ZeroHeightAndWidth_IsAUsageError(string method, string extra)
    {
        var json = """{ "images": { "shape": [2, 1, 0, 0], "data": [] }, "labels": { "shape": [2], "data": [0, 1] }, "num_classes": 2, "permutation": { "shape": [2], "data": [1, 0] }""" + extra + " }";
        var e = Assert.Throws<UsageException>(() => MixCommandCore.RunText(method, json));
        Assert.Contains("[2, 1, 0, 0]", e.Message);
    }

    [Fact]
    public void Mix_AHugeCoMixupPartition_IsAUsageErrorBeforeTheSolverAllocates()
    {
        var json = """{ "images": { "shape": [1, 1, 4, 4], "data": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0] }, "labels": { "shape": [1], "data": [0] }, "num_classes": 2, "seed": 1, "saliency": { "shape": [1, 4, 4], "data": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0] }, "settings": { "partition_size": 1000000000 } }""";
        var e = Assert.Throws<UsageException>(() => MixCommandCore.RunText("comixup", json));
        Assert.Contains("'partition-size' is 1000000000", e.Message);
    }

    [Fact]
    public void Mix_AHugeMethodName_IsEchoedCut()
    {
        var e = Assert.Throws<UsageException>(() => MixCommandCore.RunText(new string('q', 1_000_000), "{}"));
        Assert.True(e.Message.Length < 400, $"message of {e.Message.Length} characters");
    }
}

using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Mixing;

namespace RLMix.Core.Tests.Configuration;

/// <summary>Sizes a user can type are checked before anything is allocated (each case once asked for gigabytes or more).</summary>
public sealed class LimitsTests
{
    static readonly string[] Methods = ["vanilla", "rmix"];

    [Theory]
    [InlineData("""{ "data": { "pad_to": 100000 } }""", "data.pad_to = 100000")]
    [InlineData("""{ "data": { "batch_size": 1000000 } }""", "batch-size = 1000000")]
    [InlineData("""{ "data": { "crop_padding": 100000 } }""", "data.crop_padding = 100000")]
    [InlineData("""{ "data": { "dataset": "synthetic", "limit_train": 2000000000 } }""", "--limit-train 2000000000 for the synthetic data set")]
    public void Validate_ASizeBeyondItsLimit_IsAUsageErrorNamingTheValue(string json, string message)
    {
        var e = Assert.Throws<UsageException>(() => ConfigFile.Parse(json, Methods).Validate(TestMethods.Catalog));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Validate_PadToZero_MeansNoPadding_AndIsAccepted()
    {
        ConfigFile.Parse("""{ "data": { "pad_to": 0 } }""", Methods).Validate(TestMethods.Catalog);
    }

    [Fact]
    public void DataLoader_ABatchThatWouldExceedTheElementLimit_IsRefusedBeforePadding()
    {
        // 4,096 is a valid side, but 100 images of 1 x 4096 x 4096 are 1.7e9 elements (6.7 GB).
        var data = new ImageDataset("tiny", TorchSharp.torch.zeros(100, 1, 2, 2), TorchSharp.torch.zeros(100, TorchSharp.torch.int64), 10);
        var e = Assert.Throws<UsageException>(() =>
            new DataLoader(data, new DataOptions { BatchSize = 100, PadTo = 4096, Augment = false }, 0, TorchSharp.torch.CPU, shuffle: false, dropLast: true));
        Assert.Contains("pad_to = 4096", e.Message);
        Assert.Contains("[100, 1, 4096, 4096]", e.Message);
    }

    [Theory]
    [InlineData("""{ "epochs": 2, "epochs": 3 }""", "duplicate key 'epochs'")]
    [InlineData("""{ "data": { "batch_size": 10, "batch_size": 20 } }""", "duplicate key 'batch_size'")]
    public void Parse_ADuplicateKey_IsAUsageErrorNamingTheKey(string json, string message)
    {
        var e = Assert.Throws<UsageException>(() => ConfigFile.Parse(json, Methods, "c.json"));
        Assert.Contains(message, e.Message);
        Assert.StartsWith("c.json:", e.Message);
    }

    [Fact]
    public void Parse_ADuplicateKeyInAMethodSection_IsAUsageErrorNamingTheKey()
    {
        var e = Assert.Throws<UsageException>(() => ConfigFile.Parse("""{ "rmix": { "alpha": 1, "alpha": 2 } }""", Methods));
        Assert.Contains("duplicate key 'alpha'", e.Message);
    }

    [Fact]
    public void Bind_ADuplicateKeyInASectionBuiltInCode_IsAUsageErrorNamingTheKey()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("""{ "alpha": 1, "alpha": 2 }""");
        var settings = new RLMix.Training.MethodSettings(new Dictionary<string, System.Text.Json.JsonElement> { ["rmix"] = doc.RootElement.Clone() });
        var e = Assert.Throws<UsageException>(() => settings.Get<AlphaOnly>("rmix"));
        Assert.Contains("duplicate key 'alpha'", e.Message);
    }

    [Fact]
    public void ComparisonConfig_ADuplicateKey_IsAUsageErrorNamingTheKey()
    {
        string path = Path.Combine(Path.GetTempPath(), $"rlmix-dup-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "seeds": [0], "seeds": [1, 2], "entries": [ { "name": "v", "method": "vanilla" } ] }""");
        try
        {
            var e = Assert.Throws<UsageException>(() => RLMix.Experiments.ExperimentConfig.Load(path, TestMethods.Catalog));
            Assert.Contains("duplicate key 'seeds'", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Validate_AHugeMethodName_IsEchoedCut()
    {
        var e = Assert.Throws<UsageException>(() => (new RunConfig { Method = new string('m', 5_000_000) }).Validate(TestMethods.Catalog));
        Assert.True(e.Message.Length < 400, $"message of {e.Message.Length} characters");
        Assert.Contains("(5,000,000 characters)", e.Message);
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

    sealed record AlphaOnly
    {
        public double Alpha { get; init; }
    }
}

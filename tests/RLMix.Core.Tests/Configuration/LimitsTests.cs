using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;

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
        var e = Assert.Throws<UsageException>(() => ConfigFile.Parse(json, Methods).Validate());
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Validate_PadToZero_MeansNoPadding_AndIsAccepted()
    {
        ConfigFile.Parse("""{ "data": { "pad_to": 0 } }""", Methods).Validate();
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
    public void Validate_AHugeMethodName_IsEchoedCut()
    {
        var e = Assert.Throws<UsageException>(() => (new RunConfig { Method = new string('m', 5_000_000) }).Validate());
        Assert.True(e.Message.Length < 400, $"message of {e.Message.Length} characters");
        Assert.Contains("(5,000,000 characters)", e.Message);
    }

    sealed record AlphaOnly
    {
        public double Alpha { get; init; }
    }
}

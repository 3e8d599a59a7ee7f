using RLMix.Configuration;
using RLMix.Errors;

namespace RLMix.Core.Tests.Configuration;

public sealed class ConfigFileTests
{
    static readonly string[] Methods = ["vanilla", "rmix"];

    [Fact]
    public void Parse_ReadsSnakeCaseKeysNestedSectionsAndMethodSections()
    {
        var c = ConfigFile.Parse("""
            { "method": "rmix", "epochs": 3, "seed": 7,
              "data": { "dataset": "synthetic", "batch_size": 50, "limit_train": 200 },
              "trainer": { "schedule": "multistep", "milestones": [1, 2] },
              "rmix": { "alpha": 0.5 } }
            """, Methods);
        Assert.Equal("rmix", c.Method);
        Assert.Equal(3, c.Epochs);
        Assert.Equal(7, c.Seed);
        Assert.Equal("synthetic", c.Data.Dataset);
        Assert.Equal(50, c.Data.BatchSize);
        Assert.Equal(200, c.Data.LimitTrain);
        Assert.Equal(32, c.Data.PadTo); // untouched default
        Assert.Equal([1, 2], c.Trainer.Milestones);
        Assert.Equal(0.5, c.Methods.Get<AlphaOptions>("rmix").Alpha);
        Assert.Equal(1.0, c.Methods.Get<AlphaOptions>("vanilla").Alpha); // no section: defaults
    }

    [Theory]
    [InlineData("""{ "epochz": 3 }""", "epochz")]
    [InlineData("""{ "data": { "batchsize": 3 } }""", "data.batchsize")]
    [InlineData("""{ "epochs": "three" }""", "epochs")]
    [InlineData("""{ "data": { "batch_size": 1.5 } }""", "data.batch_size")]
    [InlineData("""{ "epochs": 3, """, "not valid JSON")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{ "rmix": 3 }""", "'rmix' must be an object")]
    public void Parse_RejectsBadInputNamingTheKey(string json, string named)
    {
        var e = Assert.Throws<UsageException>(() => ConfigFile.Parse(json, Methods, "cfg.json"));
        Assert.Contains(named, e.Message);
        Assert.StartsWith("cfg.json", e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void MethodSection_UnknownKeyIsAnErrorListingTheAllowedKeys()
    {
        var c = ConfigFile.Parse("""{ "rmix": { "alhpa": 2 } }""", Methods);
        var e = Assert.Throws<UsageException>(() => c.Methods.Get<AlphaOptions>("rmix"));
        Assert.Contains("alhpa", e.Message);
        Assert.Contains("alpha", e.Message);
    }

    [Fact]
    public void Serialize_RoundTripsThroughParse()
    {
        var c = ConfigFile.Parse("""{ "method": "rmix", "epochs": 4, "data": { "limit_test": 10 }, "rmix": { "alpha": 0.25 } }""", Methods);
        var again = ConfigFile.Parse(ConfigFile.Serialize(c), Methods);
        Assert.Equal(ConfigFile.Serialize(c), ConfigFile.Serialize(again));
        Assert.Equal(0.25, again.Methods.Get<AlphaOptions>("rmix").Alpha);
        Assert.Equal(10, again.Data.LimitTest);
    }

    [Fact]
    public void Seeds_AreStableAndDifferPerConsumer()
    {
        Assert.Equal(Seeds.Derive(0, "data"), Seeds.Derive(0, "data"));
        Assert.NotEqual(Seeds.Derive(0, "data"), Seeds.Derive(0, "model"));
        Assert.NotEqual(Seeds.Derive(0, "data"), Seeds.Derive(1, "data"));
        Assert.True(Seeds.Derive(long.MinValue, "x") >= 0);
    }

    public sealed record AlphaOptions
    {
        public double Alpha { get; init; } = 1.0;
    }
}

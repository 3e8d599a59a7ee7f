using System.Security.Cryptography;
using System.Text;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Training;

namespace RLMix.Core.Tests.Configuration;

public sealed class RunIdentityTests
{
    static readonly string[] Names = TestMethods.Catalog.Names.ToArray();

    static RunConfig Parse(string json) => ConfigFile.Parse(json, Names);

    static RunConfig Rmix => new() { Method = "rmix", Data = new DataOptions { Dataset = "synthetic", BatchSize = 50 } };

    [Fact]
    public void WrittenOutDefaults_AndKeyOrder_DoNotChangeTheIdentity()
    {
        var omitted = Parse("""{ "method": "rmix", "seed": 4, "data": { "dataset": "synthetic", "batch_size": 50 } }""");
        var spelled = Parse("""{ "rmix": { "k": 10, "alpha": 1.0 }, "data": { "batch_size": 50, "dataset": "synthetic" }, "seed": 4, "method": "rmix", "trainer": { "max_lr": 0.3 } }""");

        Assert.Equal(RunIdentity.Of(omitted, TestMethods.Catalog).Hash, RunIdentity.Of(spelled, TestMethods.Catalog).Hash);
        Assert.Null(RunIdentity.Of(spelled, TestMethods.Catalog).FirstDifference(RunIdentity.Of(omitted, TestMethods.Catalog)));
    }

    [Fact]
    public void Hash_IsTheSha256OfTheKeySortedCanonicalJson()
    {
        var id = RunIdentity.Of(Rmix, TestMethods.Catalog);
        var keys = System.Text.Json.Nodes.JsonNode.Parse(id.Canonical)!.AsObject().Select(kv => kv.Key).ToList();

        Assert.Equal(keys.Order(StringComparer.Ordinal), keys);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id.Canonical))), id.Hash);
    }

    [Fact]
    public void SettingsThatDoNotChangeNumbers_AreIgnored_OtherMethodsSectionsToo()
    {
        var other = Parse("""{ "method": "rmix", "on_non_finite": "skip", "mixup": { "alpha": 0.2 }, "data": { "dataset": "synthetic", "batch_size": 50 } }""");

        Assert.Equal(RunIdentity.Of(Rmix, TestMethods.Catalog).Hash, RunIdentity.Of(other, TestMethods.Catalog).Hash);
    }

    [Theory]
    [InlineData("""{ "seed": 1 }""", "seed: checkpoint has 0, this run 1")]
    [InlineData("""{ "method": "vanilla" }""", "method: checkpoint has rmix, this run vanilla")]
    [InlineData("""{ "trainer": { "max_lr": 0.1 } }""", "trainer.max_lr: checkpoint has 0.3, this run 0.1")]
    [InlineData("""{ "data": { "batch_size": 25 } }""", "data.batch_size: checkpoint has 50, this run 25")]
    [InlineData("""{ "rmix": { "alpha": 0.5 } }""", "rmix.alpha: checkpoint has 1, this run 0.5")]
    [InlineData("""{ "epochs": 3 }""", "epochs: checkpoint has 2, this run 3")]
    [InlineData("""{ "memory_format": "contiguous" }""", "memory_format: checkpoint has channels_last, this run contiguous")]
    [InlineData("""{ "data": { "limit_train": 100 } }""", "data.limit_train: checkpoint has (not set), this run 100")]
    public void FirstDifference_NamesTheSettingAndBothValues(string change, string expected)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse("""{ "method": "rmix", "data": { "dataset": "synthetic", "batch_size": 50 } }""")!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse(change)!.AsObject().ToArray())
        {
            if (value is System.Text.Json.Nodes.JsonObject inner && node[key] is System.Text.Json.Nodes.JsonObject existing)
                foreach (var (k, v) in inner.ToArray()) existing[k] = v!.DeepClone();
            else node[key] = value!.DeepClone();
        }
        var current = RunIdentity.Of(Parse(node.ToJsonString()), TestMethods.Catalog);

        var d = current.FirstDifference(RunIdentity.Of(Rmix, TestMethods.Catalog));

        Assert.NotNull(d);
        Assert.Equal(expected, d.Describe("checkpoint has", "this run"));
    }

    [Fact]
    public void ParsedBack_FromFileOrCheckpointBytes_IsTheSameIdentity()
    {
        var id = RunIdentity.Of(Rmix, TestMethods.Catalog);

        Assert.Equal(id.Hash, RunIdentity.Parse(id.ToJson(), "identity.json").Hash);
        Assert.Equal(id.Hash, RunIdentity.Parse(Encoding.UTF8.GetString(id.ToBytes()), "checkpoint").Hash);
    }

    [Fact]
    public void Read_FallsBackToConfigJson_OfRunsWithoutIdentityFile()
    {
        var dir = Directory.CreateTempSubdirectory("rlmix-id-").FullName;
        try
        {
            Assert.Null(RunIdentity.Read(dir, TestMethods.Catalog));
            File.WriteAllText(Path.Combine(dir, "config.json"), ConfigFile.Serialize(Rmix));
            Assert.Equal(RunIdentity.Of(Rmix, TestMethods.Catalog).Hash, RunIdentity.Read(dir, TestMethods.Catalog)!.Hash);
            File.WriteAllText(Path.Combine(dir, RunIdentity.FileName), "{ \"method\": ");
            var e = Assert.Throws<RLMix.Errors.DataException>(() => RunIdentity.Read(dir, TestMethods.Catalog));
            Assert.Contains(RunIdentity.FileName, e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}

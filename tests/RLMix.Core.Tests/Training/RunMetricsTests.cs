using System.Text.Json;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Evaluation;
using RLMix.Training;

namespace RLMix.Core.Tests.Training;

public sealed class RunMetricsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-metrics-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static RunMetrics Metrics(params double[] testErrors) => new()
    {
        Method = "vanilla", Dataset = "synthetic", Model = "small-cnn", Seed = 0, Epochs = testErrors.Length,
        TrainSize = 10, TestSize = 10, Device = "cpu",
        Top1Error = testErrors[^1], Ece = 1, FgsmError = 50, SecondsTotal = 1, SecondsPerEpoch = 1,
        History = testErrors.Select((e, i) => new EpochRecord(i + 1, 1.0, e, 0.1, 1, 100)).ToList(),
        Versions = VersionInfo.All,
    };

    [Fact]
    public void BestEpoch_IsTheLowestPerEpochError_EarliestOnTies_AndTheFinalErrorStaysTheLast()
    {
        var m = Metrics(30, 21, 25, 21, 24);
        Assert.Equal(24, m.Top1Error);
        Assert.Equal(21, m.BestTop1Error);
        Assert.Equal(2, m.BestEpoch);
    }

    [Fact]
    public void MetricsJson_LabelsFinalAndBest_AndOldFilesStillLoad()
    {
        var json = JsonSerializer.Serialize(Metrics(30, 21, 25) with { EceBins = 10, ConfidenceMinusAccuracy = -3.5 }, ConfigFile.JsonOptions);
        using (var doc = JsonDocument.Parse(json))
        {
            var root = doc.RootElement;
            Assert.Equal(25, root.GetProperty("top1_error").GetDouble());
            Assert.Equal(21, root.GetProperty("best_top1_error").GetDouble());
            Assert.Equal(2, root.GetProperty("best_epoch").GetInt32());
            Assert.Equal(10, root.GetProperty("ece_bins").GetInt32());
            Assert.Equal(-3.5, root.GetProperty("confidence_minus_accuracy").GetDouble());
        }
        var back = JsonSerializer.Deserialize<RunMetrics>(json, ConfigFile.JsonOptions)!;
        Assert.Equal((21.0, 2, 10, -3.5), (back.BestTop1Error, back.BestEpoch, back.EceBins, back.ConfidenceMinusAccuracy!.Value));

        // A metrics.json written before these fields existed: 15 bins (the only value then), no signed gap.
        var old = JsonSerializer.Serialize(Metrics(30, 21, 25), ConfigFile.JsonOptions)
            .Replace("\"best_top1_error\": 21,", "").Replace("\"best_epoch\": 2,", "").Replace("\"ece_bins\": 15,", "");
        Assert.DoesNotContain("ece_bins", old);
        var oldBack = JsonSerializer.Deserialize<RunMetrics>(old, ConfigFile.JsonOptions)!;
        Assert.Equal((15, (double?)null, 21.0), (oldBack.EceBins, oldBack.ConfidenceMinusAccuracy, oldBack.BestTop1Error));
    }

    [Fact]
    public void Run_WithOneEceBin_RecordsIt_AndTheEceIsTheAbsoluteSignedGap()
    {
        // With a single bin, ECE = |mean confidence - accuracy| exactly: an identity between the two metrics.
        var config = new RunConfig
        {
            Method = "vanilla", Epochs = 2, Seed = 5, Eval = new EvalOptions { EceBins = 1 },
            Data = new DataOptions { Dataset = "synthetic", LimitTrain = 100, LimitTest = 60, BatchSize = 50 },
        };
        var m = TrainingRun.Run(TestMethods.Catalog, config, new RunOptions(Path.Combine(dir, "run")));
        Assert.Equal(1, m.EceBins);
        Assert.NotNull(m.ConfidenceMinusAccuracy);
        Assert.Equal(Math.Abs(m.ConfidenceMinusAccuracy!.Value), m.Ece, 6);
        Assert.Equal(m.History[^1].TestError, m.Top1Error);
        Assert.Equal(m.History.Min(h => h.TestError), m.BestTop1Error);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "run", "metrics.json")));
        Assert.Equal(1, doc.RootElement.GetProperty("ece_bins").GetInt32());
        Assert.True(doc.RootElement.TryGetProperty("best_epoch", out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1001)]
    public void EceBinsOutOfRange_IsAUsageErrorNamingTheKey(int bins)
    {
        var e = Assert.Throws<UsageException>(() => (new RunConfig() with { Eval = new EvalOptions { EceBins = bins } }).Validate(TestMethods.Catalog));
        Assert.Contains("eval.ece_bins", e.Message);
    }

    [Fact]
    public void ConfigFile_ReadsTheEvalSection()
    {
        var c = ConfigFile.Parse("""{ "eval": { "ece_bins": 10 } }""", TestMethods.Catalog.Names);
        Assert.Equal(10, c.Eval.EceBins);
        Assert.Equal(15, new RunConfig().Eval.EceBins);
    }
}

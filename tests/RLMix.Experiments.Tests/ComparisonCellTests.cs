using RLMix.Configuration;
using RLMix.Errors;
using RLMix.Experiments;
using RLMix.Training;

namespace RLMix.Experiments.Tests;

/// <summary>How a comparison judges existing cell directories; no cell is trained here (every case is refused first).</summary>
public sealed class ComparisonCellTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-cell-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static ExperimentConfig Config(int epochs) => new()
    {
        Name = "t", Dataset = "synthetic", Epochs = epochs, Seeds = [0],
        Base = System.Text.Json.Nodes.JsonNode.Parse("""{ "data": { "limit_train": 100, "limit_test": 50, "batch_size": 50 } }""")!.AsObject(),
        Entries = [new("vanilla", "vanilla")],
    };

    ComparisonCell FinishedCell(ExperimentConfig config, string metricsJson)
    {
        var cell = ComparisonCell.All(config, dir).Single();
        Directory.CreateDirectory(cell.Directory);
        cell.Identity.Write(cell.Directory);
        File.WriteAllText(Path.Combine(cell.Directory, "metrics.json"), metricsJson);
        return cell;
    }

    [Fact]
    public void TruncatedMetrics_OfAFinishedCell_IsADataErrorNamingTheFile()
    {
        var cell = FinishedCell(Config(1), """{ "method": "vanilla", "dataset": "synth""");

        var e = Assert.Throws<DataException>(() => Comparison.Run(Config(1), dir));

        Assert.Contains(Path.Combine(cell.Directory, "metrics.json"), e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "results.md")));
    }

    [Fact]
    public void CellRunWithOtherEpochs_IsRefusedNamingCellAndDifference_BeforeAnythingRuns()
    {
        var cell = FinishedCell(Config(1), "{}");

        var e = Assert.Throws<UsageException>(() => Comparison.Run(Config(2), dir));

        Assert.Contains("vanilla/seed0: epochs: the cell has 1, the config now gives 2", e.Message);
        Assert.Contains("--rerun-changed", e.Message);
        Assert.Equal("{}", File.ReadAllText(Path.Combine(cell.Directory, "metrics.json")));
        Assert.Equal(CellState.Changed, ComparisonCell.All(Config(2), dir).Single().Status().State);
    }

    [Fact]
    public void FinishedCell_WithTheSameConfiguration_IsReusedWithItsMetrics()
    {
        var metrics = new RunMetrics
        {
            Method = "vanilla", Dataset = "synthetic", Model = "small-cnn", Seed = 0, Epochs = 1, TrainSize = 100, TestSize = 50, Device = "cpu",
            Top1Error = 12.5, Ece = 1, FgsmError = 50, SecondsTotal = 1, SecondsPerEpoch = 1, History = [], Versions = VersionInfo.All,
        };
        var cell = FinishedCell(Config(1), System.Text.Json.JsonSerializer.Serialize(metrics, ConfigFile.JsonOptions));

        var status = cell.Status();

        Assert.Equal(CellState.Finished, status.State);
        Assert.Equal(12.5, status.Metrics!.Top1Error);
    }

    [Fact]
    public void CellWithACheckpointButNoRecordedConfiguration_IsChanged_NotReused()
    {
        var cell = ComparisonCell.All(Config(1), dir).Single();
        Directory.CreateDirectory(cell.Directory);
        File.WriteAllText(Path.Combine(cell.Directory, CheckpointFile.FileName), "x");

        var status = cell.Status();

        Assert.Equal(CellState.Changed, status.State);
        Assert.Contains("records no configuration", status.Change);
    }
}

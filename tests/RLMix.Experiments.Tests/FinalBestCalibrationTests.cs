using RLMix.Experiments;
using RLMix.Training;

namespace RLMix.Experiments.Tests;

public sealed class FinalBestCalibrationTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-fbc-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static RunMetrics Metrics(long seed, double[] errors, double? signed) => new()
    {
        Method = "rmix", Dataset = "synthetic", Model = "small-cnn", Seed = seed, Epochs = errors.Length, TrainSize = 10, TestSize = 10,
        Device = "cpu", Top1Error = errors[^1], Ece = 1, FgsmError = 50, SecondsTotal = 2, SecondsPerEpoch = 1,
        EceBins = 10, ConfidenceMinusAccuracy = signed,
        History = errors.Select((e, i) => new EpochRecord(i + 1, 1, e, 0.1, 1, 100)).ToList(),
        Versions = VersionInfo.All,
    };

    [Fact]
    public void Tables_ShowFinalAndBestErrorAndTheSignedGap_PerEntry()
    {
        var config = new ExperimentConfig { Name = "t", Seeds = [0, 1], Entries = [new("vanilla", "vanilla"), new("rmix", "rmix")] };
        var cells = new List<CellResult>
        {
            // vanilla: final 12 and 14, best 10 (epoch 2) and 14 (epoch 3); signed +4 and +6.
            new("vanilla", 0, "a", Metrics(0, [20, 10, 12], 4)), new("vanilla", 1, "b", Metrics(1, [20, 15, 14], 6)),
            // rmix: the second seed predates the signed gap.
            new("rmix", 0, "c", Metrics(0, [9, 8, 8], -2)), new("rmix", 1, "d", Metrics(1, [9, 8, 8], null)),
        };
        var r = ComparisonResult.From(config, cells);

        var vanilla = FinalBestCalibration.Of(r).Single(x => x.Entry == "vanilla");
        Assert.Equal(13, vanilla.FinalTop1Error.Mean, 12);
        Assert.Equal(12, vanilla.BestTop1Error.Mean, 12);
        Assert.Equal([2, 3], vanilla.BestEpochs);
        Assert.Equal(5, vanilla.ConfidenceMinusAccuracy!.Mean, 12);
        Assert.Null(FinalBestCalibration.Of(r).Single(x => x.Entry == "rmix").ConfidenceMinusAccuracy);

        ComparisonReport.Write(r, dir);
        var md = File.ReadAllText(Path.Combine(dir, "results.md"));
        // sd of (12, 14) and of (10, 14) and of (4, 6): 1.41, 2.83, 1.41.
        Assert.Contains("| vanilla | 13.00 ± 1.41 | 12.00 ± 2.83 | 2, 3 | +5.00 ± 1.41 | 10 |", md);
        Assert.Contains("| rmix | 8.00 ± 0.00 | 8.00 ± 0.00 | 2, 2 | not recorded | 10 |", md);

        var csv = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        var header = csv[0].Split(',');
        var row = csv.Single(l => l.StartsWith("vanilla,", StringComparison.Ordinal)).Split(',');
        Assert.Equal("12", row[Array.IndexOf(header, "best_top1_error_mean")]);
        Assert.Equal("5", row[Array.IndexOf(header, "confidence_minus_accuracy_mean")]);
        var json = File.ReadAllText(Path.Combine(dir, "results.json"));
        Assert.Contains("\"best_epoch\": 2", json);
        Assert.Contains("\"final_best_calibration\"", json);
    }
}

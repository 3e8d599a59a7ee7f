using RLMix.Experiments;
using RLMix.Training;

namespace RLMix.Core.Tests.Experiments;

public sealed class ComparisonReportTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-cmp-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static RunMetrics Metrics(string method, long seed, double error, double seconds, bool rl = false) => new()
    {
        Method = method, Dataset = "synthetic", Model = "small-cnn", Seed = seed, Epochs = 2, TrainSize = 10, TestSize = 10, Device = "cpu",
        Top1Error = error, Ece = 1, FgsmError = 50, SecondsTotal = 2 * seconds, SecondsPerEpoch = seconds,
        History =
        [
            new EpochRecord(1, 1.0, error + 5, 0.1, seconds, 100, rl ? new Dictionary<string, double> { ["mean_reward"] = 0.5, ["q_0"] = 10, ["q_9"] = 30 } : null),
            new EpochRecord(2, 0.5, error, 0.01, seconds, 100, rl ? new Dictionary<string, double> { ["mean_reward"] = 0.6, ["q_3"] = 40 } : null),
        ],
        Versions = VersionInfo.All,
    };

    [Fact]
    public void Report_ComputesMeansRatiosAndBaselineDifferences()
    {
        var config = new ExperimentConfig
        {
            Name = "t", Seeds = [0, 1],
            Entries = [new("vanilla", "vanilla"), new("rmix", "rmix"), new("rl", "rlmix", Policy: "random")],
        };
        var cells = new List<CellResult>
        {
            new("vanilla", 0, Path.Combine(dir, "vanilla", "seed0"), Metrics("vanilla", 0, 10, 2)), new("vanilla", 1, "b", Metrics("vanilla", 1, 12, 2)),
            new("rmix", 0, "c", Metrics("rmix", 0, 8, 4)), new("rmix", 1, "d", Metrics("rmix", 1, 9, 4)),
            new("rl", 0, "e", Metrics("rlmix", 0, 7, 5, rl: true)), new("rl", 1, "f", Metrics("rlmix", 1, 8, 5, rl: true)),
        };
        var r = ComparisonResult.From(config, cells);

        var rmix = r.Rows.Single(x => x.Entry == "rmix");
        Assert.Equal(8.5, rmix.Top1Error.Mean, 12);
        Assert.Equal(Math.Sqrt(0.5), rmix.Top1Error.Std, 12);
        Assert.Equal(2.0, rmix.TimeRatioToVanilla, 12);
        Assert.Equal(-2.5, rmix.VsBaseline!.Difference, 12);
        Assert.Null(r.Rows.Single(x => x.Entry == "vanilla").VsBaseline);

        ComparisonReport.Write(r, dir);
        string md = File.ReadAllText(Path.Combine(dir, "results.md"));
        Assert.Contains("| rmix | rmix | 2 | 8.50 ± 0.71 |", md);
        Assert.Contains("2.00x", md);
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "results.csv")).Length);
        string json = File.ReadAllText(Path.Combine(dir, "results.json"));
        Assert.Contains("\"directory\": \"vanilla/seed0\"", json);   // relative to the output folder
        Assert.DoesNotContain(dir, json);

        var pngs = ComparisonPlots.Write(r, dir);
        Assert.Equal(4, pngs.Count); // curves, bars, RL reward, RL q distribution
        foreach (var png in pngs)
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 5000, $"{png} is suspiciously small");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }
}

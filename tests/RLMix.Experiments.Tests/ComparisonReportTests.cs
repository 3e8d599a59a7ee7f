using RLMix.Experiments;
using RLMix.Training;

namespace RLMix.Experiments.Tests;

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
        // Paired by seed: rmix - vanilla = -2, -3 -> mean -2.5, sd sqrt(0.5); t_0.975(1) = 12.7062047 (tan(0.475 pi)),
        // se = 0.5 -> CI -2.5 -+ 6.3531024; t = -5, p = 1 - 2 atan(5) / pi = 0.1256659.
        // Seeds for 0.5 points at sd 0.7071 ((sd/delta)^2 = 2), from t tables: n = 17: (2.120 + 0.865)^2 * 2 = 17.8 > 17;
        // n = 18: (2.110 + 0.863)^2 * 2 = 17.7 <= 18.
        Assert.Equal(-2.5, rmix.Paired!.Mean, 12);
        Assert.Equal(-2.5 - Math.Tan(0.475 * Math.PI) * 0.5, rmix.Paired.Low, 9);
        Assert.Equal(1 - 2 * Math.Atan(5) / Math.PI, rmix.Paired.PValue, 9);
        Assert.Equal(18, rmix.Paired.SeedsToDetect);
        Assert.Null(r.Rows.Single(x => x.Entry == "vanilla").Paired);
        Assert.Contains("| -2.50 [-8.85, +3.85] | 0.126 | 18 |", md);
        Assert.Contains("| rmix | -2.00 | -3.00 |", md);   // the per-seed differences
        Assert.Contains("2.00x", md);
        var csv = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.Equal(4, csv.Length);
        Assert.All(csv, line => Assert.Equal(csv[0].Split(',').Length, line.Split(',').Length));
        var rmixCsv = csv.Single(l => l.StartsWith("rmix,")).Split(',');
        Assert.Equal("0:-2;1:-3", rmixCsv[Array.IndexOf(csv[0].Split(','), "paired_differences")]);
        Assert.Equal("2", rmixCsv[Array.IndexOf(csv[0].Split(','), "paired_seeds")]);
        string json = File.ReadAllText(Path.Combine(dir, "results.json"));
        Assert.Contains("\"directory\": \"vanilla/seed0\"", json);   // relative to the output folder
        Assert.DoesNotContain(dir, json);
        Assert.Contains("\"paired\": {", json);
        Assert.Contains("\"seeds_to_detect\": 18", json);

        var pngs = ComparisonPlots.Write(r, dir);
        Assert.Equal(4, pngs.Count); // curves, bars, RL reward, RL q distribution
        foreach (var png in pngs)
        {
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 5000, $"{png} is suspiciously small");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }

    [Fact]
    public void Report_PairsOnlyCommonSeeds_AndSaysWhereThereIsNoInterval()
    {
        // "one" shares only seed 1 with the baseline; "none" shares no seed.
        var config = new ExperimentConfig { Name = "t", Seeds = [0, 1, 2], Entries = [new("vanilla", "vanilla"), new("one", "rmix"), new("none", "mixup")] };
        var cells = new List<CellResult>
        {
            new("vanilla", 0, "a", Metrics("vanilla", 0, 10, 2)), new("vanilla", 1, "b", Metrics("vanilla", 1, 12, 2)),
            new("one", 1, "c", Metrics("rmix", 1, 11.5, 2)), new("one", 2, "d", Metrics("rmix", 2, 9, 2)),
            new("none", 2, "e", Metrics("mixup", 2, 9, 2)),
        };
        var r = ComparisonResult.From(config, cells);
        Assert.Equal(1, r.Rows.Single(x => x.Entry == "one").Paired!.Pairs);
        Assert.Equal(0, r.Rows.Single(x => x.Entry == "none").Paired!.Pairs);
        ComparisonReport.Write(r, dir);
        string md = File.ReadAllText(Path.Combine(dir, "results.md"));
        Assert.Contains("| -0.50 (1 seed: no interval) | n/a | n/a |", md);
        Assert.Contains("| n/a (no common seed) | | |", md);
        Assert.Contains("| one | – | -0.50 | – |", md);
        Assert.Contains("| none | – | – | – |", md);
        var csv = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.All(csv, line => Assert.Equal(csv[0].Split(',').Length, line.Split(',').Length));
    }
}

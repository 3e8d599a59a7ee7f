using System.Text.Json;
using RLMix.Configuration;
using RLMix.Experiments.Benchmarks;
using RLMix.Methods;
using RLMix.Training;

namespace RLMix.Experiments.Tests.Benchmarks;

public sealed class StepBenchmarkTests
{
    [Fact]
    public void Report_HasPerRoundRatiosWithIntervals_TheMachineAndTheWarmup()
    {
        var report = StepBenchmark.Run(TestMethods.Catalog, new BenchOptions
        {
            Methods = ["vanilla", "comixup"], BatchSize = 8, Image = [1, 32, 32], Steps = 3, BlockSteps = 1,
            Warmup = new(Window: 1, MaxRounds: 3), PretrainSteps = 2, MemorySteps = 0, BootstrapResamples = 50,
            Precision = new(Target: 1e9),   // any finite interval is precise enough: both groups stop at the minimum
        });

        var vanilla = report.Methods.Single(m => m.Method == "vanilla");
        Assert.Equal(1.0, vanilla.RatioToVanilla);                 // every per-round ratio is exactly 1
        Assert.Equal([1.0, 1.0], vanilla.RatioCi95);
        Assert.Equal([1.0, 1.0, 1.0], vanilla.RoundRatios);
        var comixup = report.Methods.Single(m => m.Method == "comixup");
        Assert.InRange(comixup.RatioToVanilla, comixup.RatioCi95[0], comixup.RatioCi95[1]);
        Assert.Equal(3, comixup.RoundRatios.Length);
        Assert.Equal(BenchStatistics.Median(comixup.RoundRatios), comixup.RatioToVanilla, 12);
        Assert.Equal(comixup.IntervalWidth > report.WideIntervalThreshold, comixup.WideInterval);
        Assert.Equal(comixup.WideInterval, report.WideIntervals.Contains("comixup"));

        Assert.Equal(["steps", "mixing"], report.Warmup.Groups.Select(g => g.Group));
        // Windows of 1: the tolerance (3.7x the one difference) always covers the gap, so stable at two rounds.
        Assert.All(report.Warmup.Groups, g => Assert.True(g.Stable && g.Rounds == 2, $"{g.Group}: {g.Rounds} rounds"));
        Assert.Contains("ratios to vanilla", report.Warmup.Groups[0].Criterion);
        Assert.Equal(Environment.ProcessorCount, report.Machine.ProcessorCount);
        Assert.Contains(report.Machine.BuildConfiguration, new[] { "Debug", "Release" });
        Assert.Contains(report.Parts, p => p.Name == "comixup-clean-backward" && p.RatioTo == "vanilla");
        Assert.Contains(report.Parts, p => p.Name == "comixup-mixing-per-batch-blob-parallel" && p.RatioTo == "comixup-mixing-per-batch-blob-serial");
        Assert.Contains("fashion-mnist-mini", report.Data);

        Assert.All(report.Precision.Groups, g => Assert.Equal((PrecisionRule.PrecisionReached, 3, 3), (g.Stop, g.Rounds, g.MinRounds)));
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, ConfigFile.JsonOptions));
        var precision = json.RootElement.GetProperty("precision");
        Assert.Equal(1e9, precision.GetProperty("target").GetDouble());
        Assert.Equal("precision_reached", precision.GetProperty("groups")[0].GetProperty("stop").GetString());
        Assert.Equal(comixup.OutlierRoundFraction, json.RootElement.GetProperty("methods")[1].GetProperty("outlier_round_fraction").GetDouble());
    }

    [Fact]
    public void RLMixsPpoUpdate_IsTimedOnItsOwn_AndChargedToEveryStepAtTheRateOfItsOptions()
    {
        // n_steps 4, minibatch 2, 3 epochs: 3 x 2 / 4 = 1.5 minibatch updates per step. The rollout fills within the
        // bench's steps; the runner drops it instead of training (the update is the part).
        var options = MethodSettings.Defaults.With("rlmix", "n_steps", 4).With("rlmix", "batch_size", 2).With("rlmix", "n_epochs", 3);
        var report = StepBenchmark.Run(TestMethods.Catalog, new BenchOptions
        {
            Methods = ["vanilla", "rlmix"], BatchSize = 8, Image = [1, 32, 32], Steps = 3, BlockSteps = 2,
            Warmup = new(MaxRounds: 0), PretrainSteps = 2, MemorySteps = 0, BootstrapResamples = 50,
            Precision = new(Target: 1e9), MethodOptions = options,
        });

        var rlmix = report.Methods.Single(m => m.Method == "rlmix");
        var charged = Assert.IsType<ChargedWork>(rlmix.Charged);
        Assert.Equal(("rlmix-ppo-minibatch-update", 1.5), (charged.Part, charged.UnitsPerStep));
        Assert.Equal("n_epochs 3 x ceil(n_steps 4 / batch_size 2) minibatches per 4 steps", charged.Basis);
        var part = report.Parts.Single(p => p.Name == charged.Part);
        Assert.Equal("vanilla", part.RatioTo);
        Assert.Equal(3, part.RoundRatios!.Length);
        // Every round's ratio is the step's without the update plus 1.5 times the part's in that round.
        Assert.Equal(3, charged.RoundRatiosWithout.Length);
        for (int r = 0; r < 3; r++) Assert.Equal(charged.RoundRatiosWithout[r] + 1.5 * part.RoundRatios[r], rlmix.RoundRatios[r], 12);
        Assert.Equal(BenchStatistics.Median(charged.RoundRatiosWithout), charged.RatioToVanillaWithout, 12);
        Assert.True(rlmix.RatioToVanilla > charged.RatioToVanillaWithout);
        Assert.True(rlmix.MedianMs > charged.MedianMsWithout);
        Assert.Null(report.Methods.Single(m => m.Method == "vanilla").Charged);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, ConfigFile.JsonOptions));
        Assert.Equal(1.5, json.RootElement.GetProperty("methods")[1].GetProperty("charged").GetProperty("units_per_step").GetDouble());
        Assert.False(json.RootElement.GetProperty("methods")[0].TryGetProperty("charged", out _));
    }

    [Fact]
    public void AnUnreachablePrecision_RunsEachGroupToTheRoundCap_AndTheReportSaysSoAndWhatIsStillWide()
    {
        var report = StepBenchmark.Run(TestMethods.Catalog, new BenchOptions
        {
            Methods = ["vanilla", "rmix"], BatchSize = 8, Image = [1, 32, 32], Steps = 2, BlockSteps = 1,
            Warmup = new(MaxRounds: 0), PretrainSteps = 2, MemorySteps = 0, BootstrapResamples = 50,
            Precision = new(Target: 1e-12, MaxRounds: 4, MaxMinutes: 60, CheckEvery: 1),
        });

        Assert.Equal(2, report.Steps);
        Assert.Equal(1e-12, report.Precision.Target);
        var steps = report.Precision.Groups.Single(g => g.Group == "steps");
        Assert.Equal((PrecisionRule.MaxRoundsReached, 4, 2), (steps.Stop, steps.Rounds, steps.MinRounds));
        // Every reported ratio of the group is tracked: the methods' and the in-round parts' to vanilla.
        Assert.Equal(["bce-step", "comixup-clean-backward", "rmix", "saliency"], steps.StillWide.Order());
        Assert.All(report.Methods, m => Assert.Equal(4, m.RoundRatios.Length));
        Assert.All(report.Parts.Where(p => p.RatioTo == "vanilla"), p => Assert.Equal(4, p.RoundRatios!.Length));
        var mixing = report.Precision.Groups.Single(g => g.Group == "mixing");
        Assert.Equal((PrecisionRule.MaxRoundsReached, 4), (mixing.Stop, mixing.Rounds));
        Assert.Equal(4, mixing.StillWide.Count);   // Co-Mixup parallel and default, on both saliencies, to serial
        Assert.All(mixing.StillWide, name => Assert.StartsWith("comixup-mixing-per-batch", name));
    }
}

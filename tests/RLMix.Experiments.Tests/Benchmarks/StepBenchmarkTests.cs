using RLMix.Experiments.Benchmarks;
using RLMix.Methods;

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
    }
}

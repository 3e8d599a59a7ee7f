using RLMix.Agents;
using RLMix.Experiments.Benchmarks;

namespace RLMix.Experiments.Tests.Benchmarks;

/// <summary>Every method, RL-Mix's online agent included, leaves no tensor alive across training steps.</summary>
public sealed class LiveTensorTests
{
    [Fact]
    public void NoMethod_GrowsTheNumberOfLiveTensorsAcrossSteps()
    {
        var report = StepBenchmark.Run(TestMethods.Catalog, new BenchOptions
        {
            BatchSize = 8, Image = [1, 32, 32], Steps = 1, Warmup = new(Window: 1, MaxRounds: 2), PretrainSteps = 2, BlockSteps = 2, MemorySteps = 12,
        });
        Assert.Equal(["comixup", "cutmix", "lamix", "mixup", "rlmix", "rmix", "vanilla"], report.Memory.Select(m => m.Method).Order());
        foreach (var m in report.Memory)
            Assert.True(m.LiveTensorsEnd == m.LiveTensorsStart, $"{m.Method}: {m.LiveTensorsStart} live tensors before {m.Steps} steps, {m.LiveTensorsEnd} after");
    }
}

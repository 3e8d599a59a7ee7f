using RLMix.Mixing.CoMixup;
using static TorchSharp.torch;
using CoMixupFunctions = RLMix.Mixing.CoMixup.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class CoMixupParallelTests
{
    [Theory]
    [InlineData(true, -1, 5, 2, 2)]  // one thread per partition up to the cores
    [InlineData(true, -1, 5, 8, 5)]
    [InlineData(true, -1, 2, 8, 2)]
    [InlineData(true, -1, 5, 1, 1)]  // one core
    [InlineData(true, 2, 5, 8, 2)]   // an explicit degree is honoured
    [InlineData(true, 8, 3, 2, 3)]   // ... up to one thread per partition
    [InlineData(true, 4, 1, 8, 1)]   // one partition
    [InlineData(false, 4, 5, 8, 1)]  // parallel partitions off
    public void PartitionThreads_FollowsTheDocumentedRule(bool parallel, int degree, int partitions, int cores, int expected)
    {
        var options = new CoMixupOptions { ParallelPartitions = parallel, MaxDegreeOfParallelism = degree };
        Assert.Equal(expected, CoMixupFunctions.PartitionThreads(options, partitions, cores));
    }

    // Solves `runs` times with `options` (each after `before`, if given) and checks every labeling against the serial one.
    static void AssertSerialAssignment(Tensor saliency, CoMixupOptions options, long seed, int runs = 1, Action? before = null)
    {
        var serial = CoMixupFunctions.Solve(saliency, options with { ParallelPartitions = false }, seed);
        for (var run = 0; run < runs; run++)
        {
            before?.Invoke();
            var solved = CoMixupFunctions.Solve(saliency, options, seed);
            Assert.Equal(serial.First, solved.First);
            Assert.Equal(serial.Second, solved.Second);
        }
    }

    [Fact]
    public void Solve_ForcedParallel_GivesTheSerialAssignment()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var saliency = rand([45, 8, 8], generator: generator); // 3 partitions of up to 20
        AssertSerialAssignment(saliency, new CoMixupOptions { PartitionSize = 20, BlockGrid = 4, MaxDegreeOfParallelism = 2 }, seed: 9);
    }

    [Fact]
    public void Solve_OnMoreThreadsThanCores_GivesTheSerialAssignment_EveryTime()
    {
        // 8 threads on this machine's cores: helpers that start late or lose the race to the caller's copy.
        using var scope = NewDisposeScope();
        using var generator = new Generator(12);
        var saliency = rand([130, 8, 8], generator: generator).pow(4); // 7 partitions, the last of 10
        AssertSerialAssignment(saliency, new CoMixupOptions { PartitionSize = 20, BlockGrid = 4, MaxDegreeOfParallelism = 8 }, seed: 4, runs: 5);
    }

    [Fact]
    public void Solve_OnLibtorchsWorkers_AndOnThreadPoolHelpers_GivesTheSerialAssignment_EveryTime()
    {
        // Right after a 2-thread libtorch op, as in a training step: libgomp's worker is spinning when the solve starts.
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        var saliency = rand([100, 8, 8], generator: generator).pow(4); // 5 partitions
        var weight = rand([16, 1, 3, 3], generator: generator);
        void TorchOp() => nn.functional.conv2d(saliency.unsqueeze(1), weight, padding: [1, 1]).sum().item<float>();
        var options = new CoMixupOptions { PartitionSize = 20, BlockGrid = 4, MaxDegreeOfParallelism = 2 };
        AssertSerialAssignment(saliency, options with { UseTorchThreads = true }, seed: 6, runs: 5, before: TorchOp);
        AssertSerialAssignment(saliency, options with { UseTorchThreads = false }, seed: 6, runs: 5, before: TorchOp);
    }

    [Fact]
    public void SolvePartition_StoppedBeforeItsFirstCut_ReturnsAtOnce()
    {
        var options = new CoMixupOptions { PartitionSize = 4, BlockGrid = 2 };
        var solver = new CoMixupSolver(options, 2, 2);
        var cost = Enumerable.Range(0, 16).Select(k => -k / 16.0).ToArray();
        var a = CoMixupFunctions.Compatibility([0, 1, 2, 3], [0, 0, 1, 1], options.Omega);
        var first = new int[16];
        var second = new int[16];
        var calls = 0;
        var stats = solver.SolvePartition(cost, a, new Random(1), first, second, () => ++calls > 0);
        Assert.Equal(0, stats.SwapMoves);
        Assert.True(double.IsNaN(stats.Objective));
        Assert.Equal(1, calls);
        var full = solver.SolvePartition(cost, a, new Random(1), first, second, stop: null);
        Assert.True(full.SwapMoves > 0);
        Assert.False(double.IsNaN(full.Objective));
    }
}

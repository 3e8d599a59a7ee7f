using RLMix.Mixing.CoMixup;
using static TorchSharp.torch;
using CoMixupFunctions = RLMix.Mixing.CoMixup.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class CoMixupParallelTests
{
    [Theory]
    [InlineData(true, -1, 5, 2, 1)]  // 2 cores: serial
    [InlineData(true, -1, 5, 8, 5)]  // one thread per partition
    [InlineData(true, -1, 5, 4, 4)]  // up to the cores
    [InlineData(true, -1, 2, 8, 1)]  // too few partitions
    [InlineData(true, -1, 3, 3, 3)]
    [InlineData(true, 2, 5, 2, 2)]   // an explicit degree is honoured
    [InlineData(true, 8, 3, 2, 3)]   // ... up to one thread per partition
    [InlineData(true, 4, 1, 8, 1)]   // one partition
    [InlineData(false, 4, 5, 8, 1)]  // parallel partitions off
    public void PartitionThreads_FollowsTheDocumentedRule(bool parallel, int degree, int partitions, int cores, int expected)
    {
        var options = new CoMixupOptions { ParallelPartitions = parallel, MaxDegreeOfParallelism = degree };
        Assert.Equal(expected, CoMixupFunctions.PartitionThreads(options, partitions, cores));
    }

    [Fact]
    public void Solve_ForcedParallel_GivesTheSerialAssignment()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var saliency = rand([45, 8, 8], generator: generator); // 3 partitions of up to 20
        var options = new CoMixupOptions { PartitionSize = 20, BlockGrid = 4 };
        var parallel = CoMixupFunctions.Solve(saliency, options with { MaxDegreeOfParallelism = 2 }, seed: 9);
        var serial = CoMixupFunctions.Solve(saliency, options with { ParallelPartitions = false }, seed: 9);
        Assert.Equal(serial.First, parallel.First);
        Assert.Equal(serial.Second, parallel.Second);
    }
}

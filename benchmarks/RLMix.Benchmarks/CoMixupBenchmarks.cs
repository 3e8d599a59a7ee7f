using BenchmarkDotNet.Attributes;
using RLMix.Mixing.CoMixup;
using static TorchSharp.torch;

namespace RLMix.Benchmarks;

/// <summary>
/// The Co-Mixup solver per partition of 20 at the default 4x4 resolution, one s-t max-flow on the grid, and the
/// salient locations of a batch of 100 32x32 saliency maps (RLMix's cumulative sums against the official pooling).
/// </summary>
[MemoryDiagnoser]
public class CoMixupBenchmarks
{
    float[] pooled = [];
    int[] rows = [], cols = [];
    readonly CoMixupOptions options = new() { ParallelPartitions = false };
    readonly MaxFlow flow = new(18, 64);
    long seed;
    Tensor saliency = empty(0);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        pooled = Enumerable.Range(0, 20 * 16).Select(_ => (float)rng.NextDouble()).ToArray();
        rows = Enumerable.Range(0, 20).Select(_ => rng.Next(25)).ToArray();
        cols = Enumerable.Range(0, 20).Select(_ => rng.Next(25)).ToArray();
        saliency = rand([100, 32, 32], generator: new Generator(3)).pow(4);
    }

    [GlobalCleanup]
    public void Cleanup() => saliency.Dispose();

    [Benchmark]
    public (int[], int[]) SalientLocationsByCumulativeSums() => CoMixup.SalientLocations(saliency, 8);

    /// <summary>The official code's operation: average pooling with kernel 8 and stride 1, then argmax.</summary>
    [Benchmark]
    public long[] SalientLocationsByAveragePooling()
    {
        using var scope = NewDisposeScope();
        return nn.functional.avg_pool2d(saliency.unsqueeze(1), [8, 8], [1, 1]).reshape(100, -1).argmax(1).data<long>().ToArray();
    }

    [Benchmark]
    public CoMixupAssignment SolvePartitionOf20() => CoMixup.Solve(pooled, rows, cols, 4, 4, options, seed++);

    /// <summary>A 4x4 grid graph with terminal weights, the size of one alpha-beta swap move.</summary>
    [Benchmark]
    public long MaxFlowOnAGrid()
    {
        flow.Reset(16);
        for (int i = 0; i < 16; i++)
        {
            flow.AddTerminalWeights(i, (i * 37) % 100, (i * 53) % 100);
            if (i % 4 < 3) flow.AddEdge(i, i + 1, 20, 20);
            if (i < 12) flow.AddEdge(i, i + 4, 20, 20);
        }
        return flow.Solve();
    }
}

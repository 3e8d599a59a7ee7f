using BenchmarkDotNet.Attributes;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Benchmarks;

/// <summary>R-Mix's pure core and the saliency pooling on a batch of 100 3x32x32 images (CPU).</summary>
[MemoryDiagnoser]
public class MixerBenchmarks
{
    Tensor images = null!, targets = null!, saliency = null!, q = null!, permutation = null!;

    [Params(2, 4)]
    public int P { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        using var g = new Generator(1);
        images = randn([100, 3, 32, 32], generator: g);
        targets = nn.functional.one_hot(randint(0, 10, [100], generator: g), 10).to(float32);
        saliency = rand([100, 32, 32], generator: g);
        q = tensor(RMixOptions.TopK(10)).index_select(0, randint(0, 10, [100], generator: g));
        permutation = randperm(100, generator: g);
    }

    [Benchmark]
    public void RMixMix()
    {
        using var scope = NewDisposeScope();
        RMix.Mix(images, targets, saliency, q, 0.4, permutation, P);
    }

    [Benchmark]
    public void PoolAndNormalize()
    {
        using var scope = NewDisposeScope();
        Saliency.PoolAndNormalize(saliency, P);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { images, targets, saliency, q, permutation }) t.Dispose();
    }
}

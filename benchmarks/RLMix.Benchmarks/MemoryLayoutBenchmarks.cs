using BenchmarkDotNet.Attributes;
using RLMix.Mixing;
using RLMix.Models;
using static TorchSharp.torch;

namespace RLMix.Benchmarks;

/// <summary>
/// Whether libtorch's channels-last layout makes the saliency pass or a training step of the small CNN
/// faster on this CPU (batch 100, 3x32x32). libtorch's oneDNN convolution switches to channels-last
/// when its input has channels-last strides, and BatchNorm, ReLU and max-pooling keep the layout, so
/// only the input is converted.
/// </summary>
[MemoryDiagnoser]
public class MemoryLayoutBenchmarks
{
    SmallCnn model = null!;
    Tensor images = null!, labels = null!;
    TorchSharp.Modules.SGD optimizer = null!;

    [Params(false, true)]
    public bool ChannelsLast { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        manual_seed(1);
        model = new SmallCnn(3, 10);
        optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        using var g = new Generator(1);
        var x = randn([100, 3, 32, 32], generator: g);
        images = ChannelsLast ? ToChannelsLast(x) : x;
        labels = randint(0, 10, [100], generator: g);
    }

    /// <summary>The same NCHW shape with the channel as the densest dimension (NHWC in memory).</summary>
    static Tensor ToChannelsLast(Tensor x) => x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    [Benchmark]
    public void SaliencyPass()
    {
        using var scope = NewDisposeScope();
        Saliency.Compute(model, images, labels);
    }

    [Benchmark]
    public void TrainStep()
    {
        using var scope = NewDisposeScope();
        model.train();
        optimizer.zero_grad();
        nn.functional.cross_entropy(model.forward(images), labels).backward();
        optimizer.step();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        images.Dispose();
        labels.Dispose();
        optimizer.Dispose();
        model.Dispose();
    }
}

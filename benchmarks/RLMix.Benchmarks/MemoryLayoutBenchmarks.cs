using BenchmarkDotNet.Attributes;
using RLMix.Mixing;
using RLMix.Models;
using static TorchSharp.torch;

namespace RLMix.Benchmarks;

/// <summary>
/// Whether libtorch's channels-last layout makes the saliency pass or a training step of the small CNN
/// faster on this CPU (batch 100, 3x32x32), through the model's <see cref="ClassifierModel.MemoryFormat"/>.
/// libtorch's oneDNN convolution switches to channels-last when its input has channels-last strides, and
/// BatchNorm, ReLU and max-pooling keep the layout, so only the input is converted.
/// For ratios on a loaded machine prefer <see cref="LayoutRounds"/> (alternating rounds).
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
        model = (SmallCnn)ModelFactory.Create("small-cnn", 3, 10, seed: 1,
            memoryFormat: ChannelsLast ? MemoryFormat.ChannelsLast : MemoryFormat.Contiguous);
        optimizer = optim.SGD(model.parameters(), 0.01, momentum: 0.9);
        using var g = new Generator(1);
        images = randn([100, 3, 32, 32], generator: g);
        labels = randint(0, 10, [100], generator: g);
    }

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

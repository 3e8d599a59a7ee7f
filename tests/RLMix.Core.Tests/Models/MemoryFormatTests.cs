using RLMix.Errors;
using RLMix.Mixing;
using RLMix.Models;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Models;

public sealed class MemoryFormatTests
{
    [Fact]
    public void ToChannelsLast_KeepsShapeAndValues_WithNhwcStrides()
    {
        using var scope = NewDisposeScope();
        var x = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32, device: CPU).reshape(2, 3, 4, 5);
        var y = MemoryFormat.ToChannelsLast(x);
        Assert.Equal(x.shape, y.shape);
        Assert.Equal(new long[] { 60, 1, 15, 3 }, y.stride());
        Assert.True(y.Equals(x));
        Assert.True(MemoryFormat.IsChannelsLast(y));
        Assert.False(MemoryFormat.IsChannelsLast(x));
        var one = MemoryFormat.ToChannelsLast(randn(2, 1, 4, 5));
        Assert.Equal(new long[] { 20, 1, 5, 1 }, one.stride());  // one channel: NCHW strides would not do
        // Already channels-last: a view of the same memory, no copy.
        var again = MemoryFormat.ToChannelsLast(y);
        again.fill_(7f);
        Assert.Equal(7f, y[1, 2, 3, 4].item<float>());
    }

    [Fact]
    public void Factory_SetsTheMemoryFormat_AndRejectsUnknownNames()
    {
        using var byDefault = ModelFactory.Create("small-cnn", 1, 10, seed: 0);
        Assert.Equal(MemoryFormat.ChannelsLast, byDefault.MemoryFormat);
        using var contiguous = ModelFactory.Create("small-cnn", 1, 10, seed: 0, MemoryFormat.Contiguous);
        Assert.Equal(MemoryFormat.Contiguous, contiguous.MemoryFormat);
        var e = Assert.Throws<UsageException>(() => ModelFactory.Create("small-cnn", 1, 10, seed: 0, "nhwc"));
        Assert.Contains("channels_last, contiguous", e.Message);
    }

    [Fact]
    public void Config_RejectsAnUnknownMemoryFormat_NamingTheKey()
    {
        var config = new RLMix.Configuration.RunConfig { MemoryFormat = "nhwc" };
        var e = Assert.Throws<UsageException>(() => RLMix.Configuration.ConfigValidation.Validate(config, TestMethods.Catalog));
        Assert.Contains("memory_format 'nhwc'", e.Message);
        Assert.Contains("channels_last, contiguous", e.Message);
    }

    // The input gradient is the convolution's input gradient passed back through the layout copy, so its
    // strides show which layout the first convolution ran in.
    [Theory]
    [InlineData("small-cnn", 3, 32)]
    [InlineData("small-cnn", 1, 16)]
    [InlineData("preact-resnet18", 3, 8)]
    public void ChannelsLast_RunsTheConvolutionsInNhwc_AndGivesTheContiguousResults(string name, int channels, int side)
    {
        using var scope = NewDisposeScope();
        using var contiguous = ModelFactory.Create(name, channels, 10, seed: 3, MemoryFormat.Contiguous);
        using var channelsLast = ModelFactory.Create(name, channels, 10, seed: 3, MemoryFormat.ChannelsLast);
        var x = randn([4, channels, side, side], generator: new Generator(4));
        var labels = tensor(new long[] { 0, 3, 9, 3 });

        var (logitsA, gradA) = LogitsAndInputGradient(contiguous, x, labels);
        var (logitsB, gradB) = LogitsAndInputGradient(channelsLast, x, labels);

        Assert.True(MemoryFormat.IsChannelsLast(gradB));
        if (channels > 1) Assert.False(MemoryFormat.IsChannelsLast(gradA));
        Assert.True(logitsA.allclose(logitsB, rtol: 1e-4, atol: 1e-5), $"logits differ by up to {(logitsA - logitsB).abs().max().item<float>()}");
        Assert.True(gradA.allclose(gradB, rtol: 1e-3, atol: 1e-6), $"input gradients differ by up to {(gradA - gradB).abs().max().item<float>()}");
    }

    static (Tensor Logits, Tensor Gradient) LogitsAndInputGradient(ClassifierModel model, Tensor inputs, Tensor labels)
    {
        model.train();
        var x = inputs.detach().requires_grad_(true);
        var logits = model.forward(x);
        var gradient = autograd.grad([nn.functional.cross_entropy(logits, labels)], [x])[0];
        return (logits.detach(), gradient);
    }

    [Fact]
    public void Evaluate_ChannelsLast_GivesTheContiguousErrors()
    {
        using var scope = NewDisposeScope();
        using var contiguous = ModelFactory.Create("small-cnn", 3, 10, seed: 5, MemoryFormat.Contiguous);
        using var channelsLast = ModelFactory.Create("small-cnn", 3, 10, seed: 5, MemoryFormat.ChannelsLast);
        var g = new Generator(6);
        var batches = Enumerable.Range(0, 2).Select(_ => new RLMix.Data.Batch(randn([50, 3, 16, 16], generator: g), randint(0, 10, [50], generator: g))).ToList();
        var evaluator = new RLMix.Evaluation.Evaluator([0f, 0f, 0f], [1f, 1f, 1f]);
        var a = evaluator.Evaluate(contiguous, batches);
        var b = evaluator.Evaluate(channelsLast, batches);
        Assert.Equal(a.Top1Error, b.Top1Error);
        Assert.Equal(a.FgsmError, b.FgsmError);
        Assert.Equal(a.Ece, b.Ece, 3);
    }
}

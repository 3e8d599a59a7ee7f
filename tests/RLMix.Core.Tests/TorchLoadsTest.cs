using static TorchSharp.torch;

namespace RLMix.Core.Tests;

public sealed class TorchLoadsTest
{
    [Fact]
    public void Libtorch_ComputesAGradient_EndToEnd()
    {
        using var x = tensor(new float[] { 1f, 2f, 3f }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(new float[] { 2f, 4f, 6f }, x.grad!.data<float>().ToArray());
    }
}

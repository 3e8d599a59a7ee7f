using RLMix.Errors;
using static TorchSharp.torch;
using CoMixupFunctions = RLMix.Mixing.CoMixup.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

/// <summary>
/// <see cref="CoMixupFunctions.SalientLocations"/> against a loop over every window, and against the official
/// code's operation (avg_pool2d with stride 1, then argmax).
/// </summary>
public sealed class SalientLocationTests
{
    [Theory]
    [InlineData(6, 12, 16, 5)]
    [InlineData(4, 32, 32, 8)]
    [InlineData(3, 7, 9, 1)]
    public void SalientLocations_AreTheWindowsWithTheLargestSums(int batch, int height, int width, int kernel)
    {
        using var scope = NewDisposeScope();
        var saliency = rand([batch, height, width], generator: new TorchSharp.torch.Generator(11));

        var (rows, cols) = CoMixupFunctions.SalientLocations(saliency, kernel);

        var values = saliency.data<float>().ToArray();
        for (var b = 0; b < batch; b++)
        {
            double best = double.NegativeInfinity;
            int bestRow = -1, bestCol = -1;
            for (var r = 0; r + kernel <= height; r++)
                for (var c = 0; c + kernel <= width; c++)
                {
                    double sum = 0;
                    for (var dr = 0; dr < kernel; dr++)
                        for (var dc = 0; dc < kernel; dc++) sum += values[(b * height + r + dr) * width + c + dc];
                    if (sum > best) (best, bestRow, bestCol) = (sum, r, c);
                }
            Assert.Equal((bestRow, bestCol), (rows[b], cols[b]));
        }
    }

    [Fact]
    public void SalientLocations_OnRandomSaliency_AgreeWithTheOfficialAveragePoolingArgmax()
    {
        using var scope = NewDisposeScope();
        var saliency = rand([100, 32, 32], generator: new TorchSharp.torch.Generator(5)).pow(4); // peaked, as real saliency

        var (rows, cols) = CoMixupFunctions.SalientLocations(saliency, 8);

        var pooled = nn.functional.avg_pool2d(saliency.unsqueeze(1), [8, 8], [1, 1]); // [B, 1, 25, 25]
        var index = pooled.reshape(100, -1).argmax(1).data<long>().ToArray();
        for (var b = 0; b < 100; b++) Assert.Equal(((int)(index[b] / 25), (int)(index[b] % 25)), (rows[b], cols[b]));
    }

    [Fact]
    public void SalientLocations_OnTies_TakeTheFirstWindowInRowMajorOrder()
    {
        using var scope = NewDisposeScope();
        var saliency = zeros([2, 10, 10]);
        saliency[1, 6, 2] = tensor(1f); // windows of 3 containing (6, 2) tie with those containing (2, 7)
        saliency[1, 2, 7] = tensor(1f);

        var (rows, cols) = CoMixupFunctions.SalientLocations(saliency, 3);

        Assert.Equal((0, 0), (rows[0], cols[0])); // all zero: every window ties
        Assert.Equal((0, 5), (rows[1], cols[1])); // the first window containing (2, 7): row 0, column 5
    }

    [Fact]
    public void SalientLocations_KernelLargerThanTheImage_IsClampedToTheShorterSide()
    {
        using var scope = NewDisposeScope();
        var saliency = zeros([1, 6, 9]);
        saliency[0, 2, 8] = tensor(1f); // kernel 8 becomes 6: one row of 4 windows, only the last contains column 8

        var (rows, cols) = CoMixupFunctions.SalientLocations(saliency, 8);

        Assert.Equal((0, 3), (rows[0], cols[0]));
    }

    [Fact]
    public void SalientLocations_BadInput_IsRefusedWithAMessage()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<UsageException>(() => CoMixupFunctions.SalientLocations(rand([2, 1, 8, 8]), 4));
        Assert.Contains("[B, H, W]", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => CoMixupFunctions.SalientLocations(rand([2, 8, 8]), 0));
    }
}

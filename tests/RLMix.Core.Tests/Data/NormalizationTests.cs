using RLMix.Data;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Data;

public sealed class NormalizationTests
{
    [Fact]
    public void FromImages_ComputesPerChannelPopulationStatistics()
    {
        // Channel 0: 0, 0.5, 1, 0.5 -> mean 0.5, E[x^2] = 0.375, std sqrt(0.125); channel 1: all 0.2 -> std floor 1.
        using var images = tensor(new float[] { 0f, 0.5f, 0.2f, 0.2f, 1f, 0.5f, 0.2f, 0.2f }, [2, 2, 1, 2]);
        var n = Normalization.FromImages(images);
        Assert.Equal(0.5f, n.Mean[0], 6);
        Assert.Equal((float)Math.Sqrt(0.125), n.Std[0], 6);
        Assert.Equal(0.2f, n.Mean[1], 6);
        Assert.Equal(1f, n.Std[1]);
    }

    [Fact]
    public void FromImages_CountsThePaddingZeros()
    {
        // 1x2 images padded to 2x2: each image adds two zeros. Sum 2, sum of squares 1.5 over 8 values.
        using var images = tensor(new float[] { 0f, 0.5f, 1f, 0.5f }, [2, 1, 1, 2]);
        var n = Normalization.FromImages(images, padTo: 2);
        Assert.Equal(0.25f, n.Mean[0], 6);
        Assert.Equal((float)Math.Sqrt(1.5 / 8 - 0.0625), n.Std[0], 6);
    }

    [Fact]
    public void ApplyAndInvert_MatchTheFormulaPerChannel()
    {
        var n = new Normalization([0.1f, 0.5f], [0.2f, 0.25f]);
        using var scope = NewDisposeScope();
        var x = tensor(new float[] { 0.3f, 0.7f, 1f, 0f }, [1, 2, 1, 2]);
        var y = n.Apply(x).data<float>().ToArray();
        Assert.Equal((0.3f - 0.1f) / 0.2f, y[0], 5);
        Assert.Equal((0.7f - 0.1f) / 0.2f, y[1], 5);
        Assert.Equal((1f - 0.5f) / 0.25f, y[2], 5);
        Assert.Equal((0f - 0.5f) / 0.25f, y[3], 5);
        Assert.True(n.Invert(n.Apply(x)).allclose(x, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void MeanAndStd_AreCopies()
    {
        var n = new Normalization([0.1f], [0.2f]);
        n.Mean[0] = 9f;
        Assert.Equal(0.1f, n.Mean[0]);
    }

    [Fact]
    public void Apply_WrongChannelCount_Throws()
    {
        using var x = zeros(1, 3, 2, 2);
        Assert.Throws<ArgumentException>(() => Normalization.Identity(1).Apply(x));
    }
}

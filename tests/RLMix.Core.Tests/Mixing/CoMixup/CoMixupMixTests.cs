using RLMix.Data;
using RLMix.Errors;
using RLMix.Mixing;
using RLMix.Mixing.CoMixup;
using static TorchSharp.torch;
using CoMixupFunctions = RLMix.Mixing.CoMixup.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class CoMixupMixTests
{
    // 7 images in partitions of 3 (3, 3, 1): the batch size is not a multiple of the partition size.
    private static readonly CoMixupOptions Options = new() { PartitionSize = 3 };

    [Fact]
    public void Mix_EveryPixel_ComesFromTheInputsZSaysInItsProportion()
    {
        using var scope = NewDisposeScope();
        var (images, saliency, labels) = SmallBatch(7, 8, 8, seed: 1);
        var z = CoMixupFunctions.Solve(saliency, Options, seed: 5);
        var targets = nn.functional.one_hot(labels, 4).to(float32);

        var result = CoMixupFunctions.Mix(images, targets, z);

        Assert.Equal(new long[] { 7, 3, 8, 8 }, result.Inputs.shape);
        var x = images.data<float>().ToArray();
        var y = result.Inputs.data<float>().ToArray();
        for (var j = 0; j < 7; j++)
            for (var c = 0; c < 3; c++)
                for (var r = 0; r < 8; r++)
                    for (var col = 0; col < 8; col++)
                    {
                        var cell = r / 2 * 4 + col / 2; // 4x4 grid of 2x2 blocks
                        double expected = 0;
                        for (var i = 0; i < 7; i++) expected += z.Weight(j, i, cell) * x[((i * 3 + c) * 8 + r) * 8 + col];
                        Assert.Equal(expected, y[((j * 3 + c) * 8 + r) * 8 + col], 5);
                    }
    }

    [Fact]
    public void Mix_SoftTargets_AreAreaSharesAndSumToOne()
    {
        using var scope = NewDisposeScope();
        var (images, saliency, labels) = SmallBatch(7, 8, 8, seed: 2);
        var z = CoMixupFunctions.Solve(saliency, Options, seed: 9);
        var oneHot = nn.functional.one_hot(labels, 4).to(float32);

        var targets = CoMixupFunctions.Mix(images, oneHot, z).Targets.data<float>().ToArray();

        var label = labels.data<long>().ToArray();
        for (var j = 0; j < 7; j++)
        {
            var expected = new double[4];
            for (var i = 0; i < 7; i++)
                for (var k = 0; k < 16; k++) expected[label[i]] += z.Weight(j, i, k) / 16.0;
            for (var c = 0; c < 4; c++) Assert.Equal(expected[c], targets[j * 4 + c], 5);
            Assert.Equal(1.0, targets.Skip(j * 4).Take(4).Sum(), 5);
        }
    }

    [Fact]
    public void Solve_OutputsOnlyUseInputsOfTheirOwnPartition()
    {
        using var scope = NewDisposeScope();
        var (_, saliency, _) = SmallBatch(7, 8, 8, seed: 3);
        var z = CoMixupFunctions.Solve(saliency, Options, seed: 1);
        for (var j = 0; j < 7; j++)
            for (var k = 0; k < 16; k++)
            {
                Assert.Equal(j / 3, z.First[j * 16 + k] / 3);
                Assert.Equal(j / 3, z.Second[j * 16 + k] / 3);
            }
        // The last partition has one image: it is copied unchanged.
        Assert.All(Enumerable.Range(0, 16), k => Assert.Equal(6, z.First[6 * 16 + k]));
    }

    [Fact]
    public void Solve_ParallelAndSerial_GiveTheSameAssignment()
    {
        using var scope = NewDisposeScope();
        var (_, saliency, _) = SmallBatch(45, 8, 8, seed: 4);
        var options = new CoMixupOptions { PartitionSize = 20 };
        var parallel = CoMixupFunctions.Solve(saliency, options with { ParallelPartitions = true }, seed: 77);
        var serial = CoMixupFunctions.Solve(saliency, options with { ParallelPartitions = false }, seed: 77);
        Assert.Equal(serial.First, parallel.First);
        Assert.Equal(serial.Second, parallel.Second);
    }

    [Fact]
    public void Mixer_SameGeneratorSeed_SameResult_AndTargetsSumToOne()
    {
        using var scope = NewDisposeScope();
        var (images, saliency, labels) = SmallBatch(7, 8, 8, seed: 5);
        var mixer = new CoMixupMixer(Options);
        var a = mixer.Mix(new Batch(images, labels), new MixContext(4, new Generator(123), saliency));
        var b = mixer.Mix(new Batch(images, labels), new MixContext(4, new Generator(123), saliency));

        Assert.Equal("comixup", mixer.Name);
        Assert.True(mixer.NeedsSaliency);
        Assert.Equal(a.Inputs.data<float>().ToArray(), b.Inputs.data<float>().ToArray());
        Assert.Equal(new long[] { 7, 4 }, a.Targets.shape);
        var sums = a.Targets.sum(1).data<float>().ToArray();
        Assert.All(sums, s => Assert.Equal(1.0, s, 5));
    }

    [Fact]
    public void Mixer_WithoutSaliency_ThrowsAUsageError()
    {
        using var scope = NewDisposeScope();
        var (images, _, labels) = SmallBatch(4, 8, 8, seed: 6);
        var error = Assert.Throws<UsageException>(() => new CoMixupMixer().Mix(new Batch(images, labels), new MixContext(4, new Generator(1))));
        Assert.Contains("saliency", error.Message);
    }

    [Fact]
    public void Solve_ImageSideNotDivisibleByTheGrid_ThrowsAUsageError()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<UsageException>(() => CoMixupFunctions.Solve(rand(2, 10, 10), new CoMixupOptions(), 0));
        Assert.Contains("block-grid", error.Message);
    }

    [Fact]
    public void Mix_AllFromOneInput_ReturnsThatImageAndLabel()
    {
        using var scope = NewDisposeScope();
        var (images, _, labels) = SmallBatch(2, 8, 8, seed: 7);
        // Output 0 <- input 1, output 1 <- half input 0 and half input 1 everywhere.
        var first = Enumerable.Repeat(1, 16).Concat(Enumerable.Repeat(0, 16)).ToArray();
        var second = Enumerable.Repeat(1, 16).ToArray().Concat(Enumerable.Repeat(1, 16)).ToArray();
        var z = new CoMixupAssignment(2, 4, 4, 2, first, second);
        var targets = nn.functional.one_hot(labels, 4).to(float32);

        var result = CoMixupFunctions.Mix(images, targets, z);

        Assert.Equal(images[1].data<float>().ToArray(), result.Inputs[0].data<float>().ToArray());
        var half = ((images[0] + images[1]) / 2).data<float>().ToArray();
        var got = result.Inputs[1].data<float>().ToArray();
        for (var i = 0; i < half.Length; i++) Assert.Equal(half[i], got[i], 5);
        Assert.Equal(targets[1].data<float>().ToArray(), result.Targets[0].data<float>().ToArray());
    }

    private static (Tensor Images, Tensor Saliency, Tensor Labels) SmallBatch(int batch, int height, int width, int seed)
    {
        var g = new Generator((ulong)seed);
        var images = rand([batch, 3, height, width], generator: g);
        var saliency = rand([batch, height, width], generator: g);
        var labels = randint(4, [batch], generator: g);
        return (images, saliency, labels);
    }
}

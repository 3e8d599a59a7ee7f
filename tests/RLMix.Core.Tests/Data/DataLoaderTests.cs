using RLMix.Data;
using RLMix.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Data;

public sealed class DataLoaderTests
{
    /// <summary>n random 1x28x28 images whose label is their index, so a batch shows which images it holds.</summary>
    private static ImageDataset Indexed(int n, string name = "indexed", int side = 28)
    {
        using var generator = new Generator(12345);
        return new ImageDataset(name, rand([n, 1, side, side], generator: generator), arange(n, ScalarType.Int64), n);
    }

    private static DataLoader Loader(ImageDataset data, long seed = 1, int batch = 10, bool augment = false, bool shuffle = true,
        bool dropLast = true, int padTo = 32) =>
        new(data, new DataOptions { BatchSize = batch, Augment = augment, PadTo = padTo }, seed, CPU, shuffle, dropLast,
            Normalization.Identity(data.Channels));

    private static List<(float[] Inputs, long[] Labels)> Collect(IEnumerable<Batch> batches)
    {
        var result = new List<(float[], long[])>();
        foreach (var batch in batches)
        {
            using (batch)
                result.Add((batch.Inputs.data<float>().ToArray(), batch.Labels.data<long>().ToArray()));
        }
        return result;
    }

    [Fact]
    public void BatchesPerEpoch_DropLastDropsThePartialBatch_OtherwiseKeepsIt()
    {
        using var scope = NewDisposeScope();
        var data = Indexed(25);
        Assert.Equal(2, Loader(data, dropLast: true).BatchesPerEpoch);
        var keep = Loader(data, dropLast: false);
        Assert.Equal(3, keep.BatchesPerEpoch);
        var batches = Collect(keep.Epoch(0));
        Assert.Equal([10, 10, 5], batches.Select(b => b.Labels.Length));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)i), batches.SelectMany(b => b.Labels).Order());
    }

    [Fact]
    public void Epoch_DependsOnSeedAndEpochAlone_NotOnEarlierEpochs()
    {
        using var scope = NewDisposeScope();
        var data = Indexed(40);
        var walked = Loader(data, seed: 9, augment: true);
        for (int e = 0; e < 3; e++)
            Collect(walked.Epoch(e));
        var a = Collect(walked.Epoch(3));
        var b = Collect(Loader(data, seed: 9, augment: true).Epoch(3));
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            Assert.Equal(a[i].Labels, b[i].Labels);
            Assert.Equal(a[i].Inputs, b[i].Inputs);
        }
        Assert.NotEqual(a[0].Labels, Collect(walked.Epoch(4))[0].Labels);
        Assert.NotEqual(a[0].Labels, Collect(Loader(data, seed: 10, augment: true).Epoch(3))[0].Labels);
    }

    [Fact]
    public void SkipBatches_GivesTheSameLaterBatches()
    {
        using var scope = NewDisposeScope();
        var loader = Loader(Indexed(50), augment: true);
        var all = Collect(loader.Epoch(2));
        var skipped = Collect(loader.Epoch(2, skipBatches: 3));
        Assert.Equal(2, skipped.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(all[i + 3].Labels, skipped[i].Labels);
            Assert.Equal(all[i + 3].Inputs, skipped[i].Inputs);
        }
    }

    [Fact]
    public void Padding_PutsTheImageInTheCenter_WithZerosAround()
    {
        using var scope = NewDisposeScope();
        var data = Indexed(4);
        var batch = Collect(Loader(data, batch: 4, shuffle: false, padTo: 32).Epoch(0)).Single();
        var original = data.Images.data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++)
        {
            bool inside = y >= 2 && y < 30 && x >= 2 && x < 30;
            float expected = inside ? original[(i * 28 + y - 2) * 28 + x - 2] : 0f;
            Assert.Equal(expected, batch.Inputs[(i * 32 + y) * 32 + x]);
        }
    }

    [Fact]
    public void Padding_OddMargin_PutsTheExtraPixelAfter()
    {
        using var scope = NewDisposeScope();
        var loader = Loader(Indexed(2), batch: 2, shuffle: false, padTo: 31);
        Assert.Equal(new long[] { 1, 31, 31 }, loader.ImageShape);
        var inputs = Collect(loader.Epoch(0)).Single().Inputs;
        Assert.Equal(0f, inputs[0]);                     // row 0 is padding
        Assert.NotEqual(0f, inputs[1 * 31 + 1]);         // row 1, column 1 is the image's first pixel
        Assert.Equal(0f, inputs[29 * 31 + 15]);          // rows 29 and 30 are padding
    }

    /// <summary>
    /// Crop and flip only move pixels: each augmented image equals, for some offset (dy, dx) in [0, 4]^2 and
    /// flip, the 36x36 zero-padded original cropped at (dy, dx) and mirrored, found by a slow search.
    /// </summary>
    [Fact]
    public void CropAndFlip_OnlyMovePixels_CheckedAgainstASlowLoop()
    {
        using var scope = NewDisposeScope();
        var data = Indexed(40);
        var original = data.Images.data<float>().ToArray();
        var found = new HashSet<(int, int, bool)>();
        foreach (var (inputs, labels) in Collect(Loader(data, batch: 20, augment: true).Epoch(5)))
        {
            for (int b = 0; b < labels.Length; b++)
            {
                var match = FindCrop(inputs.AsSpan(b * 1024, 1024), original.AsSpan((int)labels[b] * 784, 784));
                Assert.True(match.HasValue, $"image {labels[b]} is not a crop/flip of its padded original");
                found.Add(match.Value);
            }
        }
        // 40 draws over 5 x 5 x 2 outcomes: the offsets vary independently, and both ways of flipping occur.
        Assert.True(found.Count >= 15, $"only {found.Count} distinct (dy, dx, flip) draws");
        Assert.Contains(found, f => f.Item1 != f.Item2);
        Assert.Contains(found, f => f.Item3);
        Assert.Contains(found, f => !f.Item3);
    }

    private static (int, int, bool)? FindCrop(ReadOnlySpan<float> output, ReadOnlySpan<float> image)
    {
        const int margin = 2 + 2; // PadTo margin + crop padding
        for (int dy = 0; dy <= 4; dy++)
        for (int dx = 0; dx <= 4; dx++)
        foreach (bool flip in new[] { false, true })
        {
            bool same = true;
            for (int y = 0; y < 32 && same; y++)
            for (int x = 0; x < 32 && same; x++)
            {
                int px = dx + (flip ? 31 - x : x) - margin, py = dy + y - margin; // pixel of the 28x28 image
                float expected = px >= 0 && px < 28 && py >= 0 && py < 28 ? image[py * 28 + px] : 0f;
                same = output[y * 32 + x] == expected;
            }
            if (same)
                return (dy, dx, flip);
        }
        return null;
    }

    [Theory]
    [InlineData("synthetic", 3)]
    [InlineData("fashion-mnist-mini", 1)]
    public void NormalizedTrainSet_HasMeanZeroAndStdOnePerChannel(string dataset, int channels)
    {
        using var scope = NewDisposeScope();
        var splits = DatasetCatalog.Load(new DataOptions { Dataset = dataset, LimitTrain = 2000 }, seed: 0);
        scope.Attach(splits.Train.Images, splits.Train.Labels, splits.Test.Images, splits.Test.Labels);
        var loader = new DataLoader(splits.Train, new DataOptions { BatchSize = 300, Augment = false }, 0, CPU, shuffle: true, dropLast: false);
        var all = cat(loader.Epoch(0).Select(b => b.Inputs).ToList(), 0).to_type(ScalarType.Float64);
        Assert.Equal(32, all.shape[2]);
        var mean = all.mean([0, 2, 3]).data<double>().ToArray();
        var std = all.std([0, 2, 3], unbiased: false).data<double>().ToArray();
        Assert.Equal(channels, mean.Length);
        Assert.All(mean, m => Assert.InRange(m, -1e-4, 1e-4));
        Assert.All(std, s => Assert.InRange(s, 1 - 1e-4, 1 + 1e-4));
    }

    [Fact]
    public void EvaluationLoader_KeepsOrderAndLastBatch_WithoutAugmenting()
    {
        using var scope = NewDisposeScope();
        var data = Indexed(23, name: "cifar10", side: 32);
        var loader = DataLoader.ForEvaluation(data, new DataOptions { BatchSize = 10 }, CPU, Normalization.Identity(1));
        Assert.False(loader.Augment);
        var batches = Collect(loader.Epoch(0));
        Assert.Equal(Enumerable.Range(0, 23).Select(i => (long)i), batches.SelectMany(b => b.Labels));
        Assert.Equal(data.Images.data<float>().ToArray(), batches.SelectMany(b => b.Inputs));
    }

    [Fact]
    public void Augment_DefaultsOnForCifarOnly_AndTheOptionWins()
    {
        using var scope = NewDisposeScope();
        var cifar = Indexed(20, name: "cifar10", side: 32);
        var fashion = Indexed(20, name: "fashion-mnist-mini");
        var norm = Normalization.Identity(1);
        Assert.True(DataLoader.ForTraining(cifar with { Normalization = norm }, new DataOptions { BatchSize = 10 }, 0, CPU).Augment);
        Assert.False(DataLoader.ForTraining(fashion with { Normalization = norm }, new DataOptions { BatchSize = 10 }, 0, CPU).Augment);
        Assert.False(DataLoader.ForTraining(cifar with { Normalization = norm }, new DataOptions { BatchSize = 10, Augment = false }, 0, CPU).Augment);
    }

    [Fact]
    public void BadSizes_AreUsageErrors()
    {
        using var scope = NewDisposeScope();
        var data = Indexed(5);
        Assert.Contains("batch-size", Assert.Throws<UsageException>(() => Loader(data, batch: 0)).Message);
        Assert.Contains("fewer than one batch", Assert.Throws<UsageException>(() => Loader(data, batch: 10, dropLast: true)).Message);
        Assert.Equal(1, Loader(data, batch: 10, dropLast: false).BatchesPerEpoch);
    }

    [Fact]
    public void Epochs_LeaveNoLiveTensorsBehind_WhenTheConsumerDisposesBatches()
    {
        using var scope = NewDisposeScope();
        var loader = Loader(Indexed(60), augment: true);
        Collect(loader.Epoch(0));
        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int e = 1; e < 4; e++)
            Collect(loader.Epoch(e));
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}

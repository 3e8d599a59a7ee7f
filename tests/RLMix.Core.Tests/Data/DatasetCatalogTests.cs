using System.Security.Cryptography;
using RLMix.Data;
using RLMix.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Data;

public sealed class DatasetCatalogTests
{
    [Fact]
    public void FashionMnistMini_Has6000TrainAnd1000TestImages_BalancedOverTenClasses()
    {
        var splits = DatasetCatalog.Load(new DataOptions { Dataset = "fashion-mnist-mini" }, seed: 0);
        using var scope = NewDisposeScope();
        scope.Attach(splits.Train.Images, splits.Train.Labels, splits.Test.Images, splits.Test.Labels);

        Assert.Equal(new long[] { 6000, 1, 28, 28 }, splits.Train.Images.shape);
        Assert.Equal(new long[] { 1000, 1, 28, 28 }, splits.Test.Images.shape);
        Assert.All(ClassCounts(splits.Train), n => Assert.Equal(600, n));
        Assert.All(ClassCounts(splits.Test), n => Assert.Equal(100, n));
        Assert.Equal(0f, splits.Train.Images.min().item<float>());
        Assert.Equal(1f, splits.Train.Images.max().item<float>());
        Assert.Same(splits.Train.Normalization, splits.Test.Normalization);
    }

    /// <summary>The embedded files are the ones make-mini.py writes: the SHA-256 of the re-encoded IDX payload matches Embedded/NOTICE.md.</summary>
    [Fact]
    public void FashionMnistMini_MatchesTheChecksumsInTheNotice()
    {
        var splits = FashionMnist.LoadMini();
        using var scope = NewDisposeScope();
        scope.Attach(splits.Train.Images, splits.Train.Labels, splits.Test.Images, splits.Test.Labels);

        var bytes = splits.Test.Images.mul(255f).round().to_type(ScalarType.Byte).data<byte>().ToArray();
        var idx = TestFiles.Idx(0x00000803, [1000, 28, 28], bytes);
        Assert.Equal("eaff3e1ea4575f51b386f76608235150d0a52f79462edfb4413d6fefcd5f8d38", Convert.ToHexStringLower(SHA256.HashData(idx)));
        var labels = splits.Train.Labels.to_type(ScalarType.Byte).data<byte>().ToArray();
        Assert.Equal("303e0128c18a08f77d5a683bf917e1ecd5639ecdb868a736f4f72654c88d0ed7",
            Convert.ToHexStringLower(SHA256.HashData(TestFiles.IdxLabels(labels))));
    }

    [Fact]
    public void Load_UnknownName_IsAUsageErrorListingTheNames()
    {
        var e = Assert.Throws<UsageException>(() => DatasetCatalog.Load(new DataOptions { Dataset = "mnist" }, 0));
        Assert.Contains("'mnist'", e.Message);
        foreach (var name in DatasetCatalog.Names)
            Assert.Contains(name, e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void Names_AreTheFiveOfTheDesign()
    {
        Assert.Equal(["fashion-mnist-mini", "fashion-mnist", "cifar10", "cifar100", "synthetic"], DatasetCatalog.Names);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(null, -3)]
    public void Load_LimitBelowOne_IsAUsageError(int? limitTrain, int? limitTest)
    {
        var options = new DataOptions { Dataset = "synthetic", LimitTrain = limitTrain, LimitTest = limitTest };
        Assert.Throws<UsageException>(() => DatasetCatalog.Load(options, 0));
    }

    [Fact]
    public void Load_Cifar10WithoutDataDir_SaysHowToGetTheData()
    {
        var e = Assert.Throws<DataException>(() => DatasetCatalog.Load(new DataOptions { Dataset = "cifar10" }, 0));
        Assert.Contains("--data-dir", e.Message);
        Assert.Contains("cifar-10-binary.tar.gz", e.Message);
    }

    [Fact]
    public void Load_FashionMnistFromAnEmptyDataDir_NamesThePathAndTheAptPackage()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DataException>(() => DatasetCatalog.Load(new DataOptions { Dataset = "fashion-mnist", DataDir = dir.Path }, 0));
        Assert.Contains(Path.Combine(dir.Path, "train-images-idx3-ubyte.gz"), e.Message);
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
        Assert.Contains("--data-dir", e.Message);
    }

    [Fact]
    public void Load_FashionMnistFromDataDir_ReadsGzipAndRawFiles()
    {
        using var dir = new TempDir();
        dir.Write("train-images-idx3-ubyte.gz", TestFiles.Gzip(TestFiles.IdxImages(4, 28, 28)));
        dir.Write("train-labels-idx1-ubyte", TestFiles.IdxLabels(0, 1, 2, 3));
        dir.Write("t10k-images-idx3-ubyte", TestFiles.IdxImages(2, 28, 28));
        dir.Write("t10k-labels-idx1-ubyte.gz", TestFiles.Gzip(TestFiles.IdxLabels(9, 8)));

        var splits = DatasetCatalog.Load(new DataOptions { Dataset = "fashion-mnist", DataDir = dir.Path }, 0);
        using var scope = NewDisposeScope();
        scope.Attach(splits.Train.Images, splits.Train.Labels, splits.Test.Images, splits.Test.Labels);
        Assert.Equal(4, splits.Train.Count);
        Assert.Equal(new long[] { 9, 8 }, splits.Test.Labels.data<long>().ToArray());
        Assert.Equal(TestFiles.Pixel(3, 27, 27) / 255f, splits.Train.Images[3, 0, 27, 27].item<float>());
    }

    [Fact]
    public void Load_Cifar100FromDataDir_Works()
    {
        using var dir = new TempDir();
        dir.Write("cifar-100-binary/train.bin", TestFiles.Cifar([5, 6], [1, 1]));
        dir.Write("cifar-100-binary/test.bin", TestFiles.Cifar([7], [1]));
        var splits = DatasetCatalog.Load(new DataOptions { Dataset = "cifar100", DataDir = dir.Path }, 0);
        using var scope = NewDisposeScope();
        scope.Attach(splits.Train.Images, splits.Train.Labels, splits.Test.Images, splits.Test.Labels);
        Assert.Equal(100, splits.Train.NumClasses);
        Assert.Equal(new long[] { 5, 6 }, splits.Train.Labels.data<long>().ToArray());
    }

    [Fact]
    public void Limit_KeepsASeededClassBalancedSubset()
    {
        var options = new DataOptions { Dataset = "fashion-mnist-mini", LimitTrain = 100, LimitTest = 35 };
        var a = DatasetCatalog.Load(options, seed: 1);
        var b = DatasetCatalog.Load(options, seed: 1);
        var c = DatasetCatalog.Load(options, seed: 2);
        using var scope = NewDisposeScope();
        foreach (var s in new[] { a, b, c })
            scope.Attach(s.Train.Images, s.Train.Labels, s.Test.Images, s.Test.Labels);

        Assert.Equal(100, a.Train.Count);
        Assert.Equal(35, a.Test.Count);
        Assert.All(ClassCounts(a.Train), n => Assert.Equal(10, n));
        var testCounts = ClassCounts(a.Test);
        Assert.True(testCounts.Max() - testCounts.Min() <= 1, string.Join(",", testCounts));
        Assert.True(TensorAssert.Same(a.Train.Images, b.Train.Images));
        Assert.False(TensorAssert.Same(a.Train.Images, c.Train.Images));
    }

    [Fact]
    public void Limit_SubsetImagesComeFromTheFullSet()
    {
        var full = FashionMnist.LoadMini();
        var limited = DatasetCatalog.Load(new DataOptions { Dataset = "fashion-mnist-mini", LimitTest = 20 }, seed: 5);
        using var scope = NewDisposeScope();
        scope.Attach(full.Train.Images, full.Train.Labels, full.Test.Images, full.Test.Labels,
            limited.Train.Images, limited.Train.Labels, limited.Test.Images, limited.Test.Labels);

        // Slow check: each kept image equals some image of the full test split with the same label.
        var fullFlat = full.Test.Images.view(1000, -1);
        for (int i = 0; i < 20; i++)
        {
            var match = (fullFlat - limited.Test.Images[i].view(1, -1)).abs().sum(1).eq(0).nonzero().view(-1);
            Assert.True(match.numel() >= 1);
            Assert.Equal(limited.Test.Labels[i].item<long>(), full.Test.Labels[match[0]].item<long>());
        }
    }

    [Fact]
    public void Synthetic_LimitsAreTheGeneratedSizes()
    {
        var splits = DatasetCatalog.Load(new DataOptions { Dataset = "synthetic", LimitTrain = 30, LimitTest = 20 }, 0);
        using var scope = NewDisposeScope();
        scope.Attach(splits.Train.Images, splits.Train.Labels, splits.Test.Images, splits.Test.Labels);
        Assert.Equal(30, splits.Train.Count);
        Assert.Equal(20, splits.Test.Count);
    }

    internal static int[] ClassCounts(ImageDataset data)
    {
        var counts = new int[data.NumClasses];
        foreach (long y in data.Labels.data<long>())
            counts[y]++;
        return counts;
    }
}

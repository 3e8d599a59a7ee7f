using RLMix.Data;
using RLMix.Errors;

namespace RLMix.Core.Tests.Data;

public sealed class CifarReaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_Cifar10_ConcatenatesTheFiveBatchesInOrder(bool inArchiveFolder)
    {
        using var dir = new TempDir();
        string sub = inArchiveFolder ? "cifar-10-batches-bin/" : "";
        for (int b = 1; b <= 5; b++)
            dir.Write($"{sub}data_batch_{b}.bin", TestFiles.Cifar([(byte)(b - 1), (byte)(b + 4)], firstIndex: 2 * (b - 1)));
        dir.Write($"{sub}test_batch.bin", TestFiles.Cifar([9, 0, 5], firstIndex: 100));

        var splits = CifarReader.Load(dir.Path, CifarVariant.Cifar10);
        using var trainImages = splits.Train.Images;
        using var trainLabels = splits.Train.Labels;
        using var testImages = splits.Test.Images;
        using var testLabels = splits.Test.Labels;

        Assert.Equal(new long[] { 10, 3, 32, 32 }, trainImages.shape);
        Assert.Equal(new long[] { 0, 5, 1, 6, 2, 7, 3, 8, 4, 9 }, trainLabels.data<long>().ToArray());
        Assert.Equal(new long[] { 9, 0, 5 }, testLabels.data<long>().ToArray());
        Assert.Equal(10, splits.Train.NumClasses);
        Assert.Equal("cifar10", splits.Train.Name);
        AssertPixels(trainImages.data<float>().ToArray(), 10, firstIndex: 0);
        AssertPixels(testImages.data<float>().ToArray(), 3, firstIndex: 100);
    }

    [Fact]
    public void Load_Cifar100_UsesTheFineLabel()
    {
        using var dir = new TempDir();
        dir.Write("train.bin", TestFiles.Cifar(labels: [99, 0, 42], coarse: [19, 0, 7]));
        dir.Write("test.bin", TestFiles.Cifar(labels: [1], coarse: [2], firstIndex: 3));

        var splits = CifarReader.Load(dir.Path, CifarVariant.Cifar100);
        using var trainImages = splits.Train.Images;
        using var trainLabels = splits.Train.Labels;
        using var testImages = splits.Test.Images;
        using var testLabels = splits.Test.Labels;

        Assert.Equal(new long[] { 99, 0, 42 }, trainLabels.data<long>().ToArray());
        Assert.Equal(new long[] { 1 }, testLabels.data<long>().ToArray());
        Assert.Equal(100, splits.Train.NumClasses);
        AssertPixels(trainImages.data<float>().ToArray(), 3, firstIndex: 0);
        AssertPixels(testImages.data<float>().ToArray(), 1, firstIndex: 3);
    }

    [Theory]
    [InlineData(CifarVariant.Cifar10, 3073)]
    [InlineData(CifarVariant.Cifar100, 3074)]
    public void Read_LengthNotAMultipleOfTheRecord_IsRefused(CifarVariant variant, int record)
    {
        var bytes = variant == CifarVariant.Cifar10 ? TestFiles.Cifar([1, 2]) : TestFiles.Cifar([1, 2], [0, 0]);
        using var stream = new MemoryStream(bytes[..^1]);
        var e = Assert.Throws<DataException>(() => CifarReader.Read(stream, "short.bin", variant));
        Assert.Contains("short.bin", e.Message);
        Assert.Contains($"{record}-byte", e.Message);
        Assert.Contains("binary version", e.Message);
    }

    [Theory]
    [InlineData(CifarVariant.Cifar10, 10, 0, "label 10")]
    [InlineData(CifarVariant.Cifar100, 100, 0, "label 100")]
    [InlineData(CifarVariant.Cifar100, 5, 20, "coarse label 20")]
    public void Read_LabelOutOfRange_IsRefused(CifarVariant variant, byte label, byte coarse, string expected)
    {
        var bytes = variant == CifarVariant.Cifar10 ? TestFiles.Cifar([1, label]) : TestFiles.Cifar([1, label], [0, coarse]);
        using var stream = new MemoryStream(bytes);
        var e = Assert.Throws<DataException>(() => CifarReader.Read(stream, "bad.bin", variant));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_EmptyOrGzippedFile_IsRefused()
    {
        using var empty = new MemoryStream([]);
        Assert.Contains("empty", Assert.Throws<DataException>(() => CifarReader.Read(empty, "e.bin", CifarVariant.Cifar10)).Message);
        using var gz = new MemoryStream(TestFiles.Gzip(TestFiles.Cifar([1])));
        Assert.Contains("gzip", Assert.Throws<DataException>(() => CifarReader.Read(gz, "g.bin", CifarVariant.Cifar10)).Message);
    }

    [Fact]
    public void Load_MissingFile_NamesPathAndHowToGet()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<DataException>(() => CifarReader.Load(dir.Path, CifarVariant.Cifar10));
        Assert.Contains(Path.Combine(dir.Path, "data_batch_1.bin"), e.Message);
        Assert.Contains("binary version", e.Message);
        Assert.Contains("--data-dir", e.Message);
    }

    [Fact]
    public void Load_BadTestFile_FailsWithItsPath()
    {
        using var dir = new TempDir();
        dir.Write("train.bin", TestFiles.Cifar([1], [0]));
        string test = dir.Write("test.bin", new byte[100]);
        var e = Assert.Throws<DataException>(() => CifarReader.Load(dir.Path, CifarVariant.Cifar100));
        Assert.Contains(test, e.Message);
    }

    /// <summary>Slow check: image i, channel ch, row y, column x equals its byte / 255.</summary>
    private static void AssertPixels(float[] values, int count, int firstIndex)
    {
        for (int i = 0; i < count; i++)
        for (int ch = 0; ch < 3; ch++)
        for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++)
            Assert.Equal(TestFiles.CifarPixel(firstIndex + i, ch, y, x) / 255f, values[((i * 3 + ch) * 32 + y) * 32 + x]);
    }
}

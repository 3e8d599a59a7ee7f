using System.Buffers.Binary;
using RLMix.Data;
using RLMix.Errors;

namespace RLMix.Core.Tests.Data;

public sealed class IdxReaderTests
{
    private const string Hint = "HOW-TO-GET-HINT";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadDataset_RoundTripsPixelsAndLabels(bool gzip)
    {
        using var dir = new TempDir();
        byte[] labels = [3, 0, 9];
        string images = dir.Write("img", Maybe(gzip, TestFiles.IdxImages(3, 4, 5)));
        string labelFile = dir.Write("lab", Maybe(gzip, TestFiles.IdxLabels(labels)));

        var data = IdxReader.LoadDataset("t", images, labelFile, numClasses: 10);
        using var x = data.Images;
        using var y = data.Labels;

        Assert.Equal(new long[] { 3, 1, 4, 5 }, x.shape);
        Assert.True(x.is_contiguous());
        var pixels = x.data<float>().ToArray();
        for (int i = 0; i < 3; i++)
        for (int r = 0; r < 4; r++)
        for (int c = 0; c < 5; c++)
            Assert.Equal(TestFiles.Pixel(i, r, c) / 255f, pixels[(i * 4 + r) * 5 + c]);
        Assert.Equal(new long[] { 3, 0, 9 }, y.data<long>().ToArray());
        Assert.Equal(10, data.NumClasses);
    }

    [Fact]
    public void ReadImages_BadMagic_NamesPathAndMagic()
    {
        var bytes = TestFiles.IdxImages(2, 3, 3);
        bytes[0] = 0x1F; bytes[1] = 0x00;
        var e = ReadImagesFails(bytes, out string path);
        Assert.Contains(path, e.Message);
        Assert.Contains("not an IDX file", e.Message);
        Assert.Contains("0x00000803", e.Message);
        Assert.Contains(Hint, e.Message);
    }

    [Fact]
    public void ReadImages_WrongElementType_IsRefused()
    {
        var bytes = TestFiles.IdxImages(2, 3, 3);
        bytes[2] = 0x0D; // float32
        var e = ReadImagesFails(bytes, out _);
        Assert.Contains("element type 0x0D (float32)", e.Message);
    }

    [Fact]
    public void ReadImages_GivenALabelFile_SaysDimensionsDiffer()
    {
        var e = ReadImagesFails(TestFiles.IdxLabels(1, 2, 3), out _);
        Assert.Contains("1 dimensions", e.Message);
    }

    [Fact]
    public void ReadLabels_GivenAnImageFile_IsRefused()
    {
        using var dir = new TempDir();
        string path = dir.Write("x", TestFiles.IdxImages(2, 3, 3));
        var e = Assert.Throws<DataException>(() => IdxReader.ReadLabels(path, Hint));
        Assert.Contains("3 dimensions", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_TruncatedPayload_SaysTruncated(bool gzip)
    {
        var bytes = TestFiles.IdxImages(3, 4, 4);
        var e = ReadImagesFails(Maybe(gzip, bytes[..^5]), out string path);
        Assert.Contains("truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_TruncatedHeader_SaysTruncated(bool gzip)
    {
        var e = ReadImagesFails(Maybe(gzip, TestFiles.IdxImages(3, 4, 4)[..10]), out _);
        Assert.Contains("ends inside the header", e.Message);
    }

    [Fact]
    public void ReadImages_TruncatedGzipStream_IsADataException()
    {
        var gz = TestFiles.Gzip(TestFiles.IdxImages(30, 8, 8));
        var e = ReadImagesFails(gz[..(gz.Length / 2)], out _);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void ReadImages_CorruptGzipStream_IsADataException()
    {
        var gz = TestFiles.Gzip(TestFiles.IdxImages(30, 8, 8));
        for (int i = 10; i < 20; i++)
            gz[i] ^= 0xFF;
        ReadImagesFails(gz, out _);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadImages_TrailingBytes_SaysLongerThanHeader(bool gzip)
    {
        var bytes = TestFiles.IdxImages(3, 4, 4).Concat(new byte[] { 1, 2, 3 }).ToArray();
        var e = ReadImagesFails(Maybe(gzip, bytes), out _);
        Assert.Contains("longer than its header says", e.Message);
    }

    [Fact]
    public void ReadImages_ZeroSizedDimension_IsRefused()
    {
        var e = ReadImagesFails(TestFiles.Idx(0x00000803, [0, 28, 28], []), out _);
        Assert.Contains("size 0", e.Message);
    }

    [Fact]
    public void ReadImages_EmptyFile_IsRefused()
    {
        var e = ReadImagesFails([], out _);
        Assert.Contains("ends inside the header", e.Message);
    }

    [Fact]
    public void ReadImages_MissingFile_NamesPathAndHowToGet()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "nope-idx3-ubyte.gz");
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(path, Hint));
        Assert.Contains(path, e.Message);
        Assert.Contains("not found", e.Message);
        Assert.Contains(Hint, e.Message);
        Assert.Equal(3, e.ExitCode);
    }

    [Fact]
    public void LoadDataset_CountMismatch_NamesBothFiles()
    {
        using var dir = new TempDir();
        string images = dir.Write("img", TestFiles.IdxImages(3, 2, 2));
        string labels = dir.Write("lab", TestFiles.IdxLabels(1, 2));
        var e = Assert.Throws<DataException>(() => IdxReader.LoadDataset("t", images, labels, 10, Hint));
        Assert.Contains("2 labels", e.Message);
        Assert.Contains("3 images", e.Message);
        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);
    }

    [Fact]
    public void LoadDataset_LabelOutOfRange_IsRefused()
    {
        using var dir = new TempDir();
        string images = dir.Write("img", TestFiles.IdxImages(3, 2, 2));
        string labels = dir.Write("lab", TestFiles.IdxLabels(1, 10, 2));
        var e = Assert.Throws<DataException>(() => IdxReader.LoadDataset("t", images, labels, 10, Hint));
        Assert.Contains("label 10 of item 1", e.Message);
    }

    /// <summary>
    /// The bound: a header claiming an absurd size is refused before any buffer of that size exists.
    /// IDX counts are uint32, so "10^12 images" is written as 10^12 bytes of pixels: 1,275,510,204 images of 28x28.
    /// </summary>
    [Theory]
    [InlineData(false, 1_275_510_204u)]
    [InlineData(true, 1_275_510_204u)]
    [InlineData(false, uint.MaxValue)]
    [InlineData(true, uint.MaxValue)]
    public void ReadImages_HugeClaimedCount_IsRefusedWithoutAllocating(bool gzip, uint count)
    {
        var bytes = Maybe(gzip, TestFiles.Idx(0x00000803, [count, 28, 28], new byte[784 * 2]));
        using var stream = new MemoryStream(bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(stream, "huge", Hint));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("header is corrupt", e.Message);
        Assert.True(allocated < 256 * 1024, $"allocated {allocated} bytes");
    }

    /// <summary>A claim below the hard cap but far above the real (gzip) content allocates about what the data decompresses to, not what the header claims.</summary>
    [Fact]
    public void ReadImages_GzipClaimingMoreThanItHolds_AllocatesOnlyWhatItHolds()
    {
        var bytes = TestFiles.Gzip(TestFiles.Idx(0x00000803, [2_000_000, 28, 28], new byte[784 * 10])); // claims 1.5 GB
        using var stream = new MemoryStream(bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataException>(() => IdxReader.ReadImages(stream, "liar", Hint));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("truncated", e.Message);
        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public void ReadImages_RawClaimingMoreThanItHolds_AllocatesNothingBig()
    {
        var bytes = TestFiles.Idx(0x00000803, [2_000_000, 28, 28], new byte[784 * 10]);
        using var stream = new MemoryStream(bytes);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<DataException>(() => IdxReader.ReadImages(stream, "liar", Hint));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 256 * 1024);
    }

    [Fact]
    public void ReadLabels_RawAndGzipGiveTheSameBytes()
    {
        byte[] labels = [5, 4, 3, 2, 1];
        using var raw = new MemoryStream(TestFiles.IdxLabels(labels));
        using var gz = new MemoryStream(TestFiles.Gzip(TestFiles.IdxLabels(labels)));
        Assert.Equal(labels, IdxReader.ReadLabels(raw, "raw"));
        Assert.Equal(labels, IdxReader.ReadLabels(gz, "gz"));
        Assert.Equal(0x00000801, BinaryPrimitives.ReadInt32BigEndian(TestFiles.IdxLabels(labels)));
    }

    private static byte[] Maybe(bool gzip, byte[] bytes) => gzip ? TestFiles.Gzip(bytes) : bytes;

    private static DataException ReadImagesFails(byte[] bytes, out string path)
    {
        var dir = new TempDir();
        try
        {
            string file = dir.Write("images-idx3-ubyte", bytes);
            path = file;
            return Assert.Throws<DataException>(() => IdxReader.ReadImages(file, Hint));
        }
        finally
        {
            dir.Dispose();
        }
    }
}

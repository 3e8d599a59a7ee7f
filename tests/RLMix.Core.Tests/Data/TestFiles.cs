using System.Buffers.Binary;
using System.IO.Compression;

namespace RLMix.Core.Tests.Data;

/// <summary>Builds small data files in the IDX and CIFAR binary formats, byte by byte, for the reader tests.</summary>
internal static class TestFiles
{
    /// <summary>An IDX file: big-endian magic, big-endian uint32 sizes, payload.</summary>
    public static byte[] Idx(int magic, uint[] dims, byte[] payload)
    {
        var bytes = new byte[4 + 4 * dims.Length + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        payload.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    /// <summary>A deterministic, non-trivial pixel value for image i, row r, column c.</summary>
    public static byte Pixel(int i, int r, int c) => (byte)((i * 37 + r * 11 + c * 5 + (r * c) % 7) % 256);

    public static byte[] IdxImages(int count, int rows, int cols)
    {
        var payload = new byte[count * rows * cols];
        for (int i = 0; i < count; i++)
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            payload[(i * rows + r) * cols + c] = Pixel(i, r, c);
        return Idx(0x00000803, [(uint)count, (uint)rows, (uint)cols], payload);
    }

    public static byte[] IdxLabels(params byte[] labels) => Idx(0x00000801, [(uint)labels.Length], labels);

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(raw);
        return output.ToArray();
    }

    /// <summary>CIFAR pixel byte of record i, channel ch, row y, column x.</summary>
    public static byte CifarPixel(int i, int ch, int y, int x) => (byte)((i * 53 + ch * 101 + y * 7 + x * 3) % 256);

    /// <summary>A CIFAR-10 file (labels.Length records) or, with <paramref name="coarse"/>, a CIFAR-100 file; record i's pixels use index <paramref name="firstIndex"/> + i.</summary>
    public static byte[] Cifar(byte[] labels, byte[]? coarse = null, int firstIndex = 0)
    {
        int labelBytes = coarse is null ? 1 : 2;
        int record = labelBytes + 3072;
        var bytes = new byte[labels.Length * record];
        for (int i = 0; i < labels.Length; i++)
        {
            int at = i * record;
            if (coarse is not null)
                bytes[at] = coarse[i];
            bytes[at + labelBytes - 1] = labels[i];
            for (int ch = 0; ch < 3; ch++)
            for (int y = 0; y < 32; y++)
            for (int x = 0; x < 32; x++)
                bytes[at + labelBytes + ch * 1024 + y * 32 + x] = CifarPixel(firstIndex + i, ch, y, x);
        }
        return bytes;
    }
}

/// <summary>A temporary directory removed when disposed.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rlmix-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string name, byte[] bytes)
    {
        string file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

internal static class TensorAssert
{
    /// <summary>Same shape and bit-for-bit the same values.</summary>
    public static bool Same(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}

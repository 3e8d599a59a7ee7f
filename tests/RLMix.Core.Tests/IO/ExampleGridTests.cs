using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using RLMix.IO;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.IO;

public sealed class ExampleGridTests
{
    static uint BitwiseCrc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++)
                crc = (crc >> 1) ^ (0xEDB88320 & (uint)-(int)(crc & 1));
        }
        return ~crc;
    }

    [Fact]
    public void Save_WritesAValidPngGridAndTheTopTwoLabels()
    {
        using var scope = NewDisposeScope();
        var dir = Directory.CreateTempSubdirectory("rlmix-grid-");
        try
        {
            // 3 grey 2x2 images, normalized with mean .5, std .25: raw values 0, .5, 1 after un-normalizing.
            var raw = tensor(new float[] { 0, 0, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, 1, 1, 1, 1 }).view(3, 1, 2, 2);
            var normalized = (raw - 0.5f) / 0.25f;
            var targets = tensor(new float[] { 0.7f, 0.3f, 0, 0.2f, 0.8f, 0, 0, 0.2f, 0.8f }).view(3, 3);
            var path = Path.Combine(dir.FullName, "examples.png");

            ExampleGrid.Save(path, normalized, targets, [0.5f], [0.25f], ["shirt", "bag", "boot"]);

            var png = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            int pos = 8, width = 0, height = 0;
            var idat = new MemoryStream();
            while (pos < png.Length)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
                var typeAndData = png[(pos + 4)..(pos + 8 + length)];
                Assert.Equal(BitwiseCrc32(typeAndData), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length)));
                var type = Encoding.ASCII.GetString(typeAndData, 0, 4);
                if (type == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(typeAndData.AsSpan(4));
                    height = BinaryPrimitives.ReadInt32BigEndian(typeAndData.AsSpan(8));
                }
                if (type == "IDAT")
                    idat.Write(typeAndData, 4, length);
                pos += 12 + length;
            }
            // 2 x 2 grid of cells (2 * Scale + Gap) plus the outer gap.
            int cell = 2 * ExampleGrid.Scale + ExampleGrid.Gap;
            Assert.Equal(2 * cell + ExampleGrid.Gap, width);
            Assert.Equal(2 * cell + ExampleGrid.Gap, height);
            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(idat, CompressionMode.Decompress))
                z.CopyTo(inflated);
            var rows = inflated.ToArray();
            byte Pixel(int x, int y) => rows[y * (width * 3 + 1) + 1 + x * 3];
            Assert.Equal(255, Pixel(0, 0));                                     // gap
            Assert.Equal(0, Pixel(ExampleGrid.Gap, ExampleGrid.Gap));           // image 0
            Assert.Equal(128, Pixel(ExampleGrid.Gap + cell, ExampleGrid.Gap));  // image 1
            Assert.Equal(255, Pixel(ExampleGrid.Gap, ExampleGrid.Gap + cell));  // image 2
            Assert.Equal(255, Pixel(ExampleGrid.Gap + cell, ExampleGrid.Gap + cell)); // empty slot

            var md = File.ReadAllText(Path.Combine(dir.FullName, "examples.md"));
            Assert.Contains("| 0 | 0 | 0 | shirt | 0.700 | bag | 0.300 |", md);
            Assert.Contains("| 1 | 0 | 1 | bag | 0.800 | shirt | 0.200 |", md);
            Assert.Contains("| 2 | 1 | 0 | boot | 0.800 | bag | 0.200 |", md);
            Assert.Empty(Directory.GetFiles(dir.FullName, "*.tmp"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

using RLMix.IO;
using SkiaSharp;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.IO;

public sealed class ExampleGridTests
{
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

            // Decoded by SkiaSharp's PNG reader.
            using var png = SKBitmap.Decode(path);
            Assert.NotNull(png);
            // 2 x 2 grid of cells (2 * Scale + Gap) plus the outer gap.
            int cell = 2 * ExampleGrid.Scale + ExampleGrid.Gap;
            Assert.Equal(2 * cell + ExampleGrid.Gap, png.Width);
            Assert.Equal(2 * cell + ExampleGrid.Gap, png.Height);
            byte Pixel(int x, int y) => png.GetPixel(x, y).Red;
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

using System.Globalization;
using System.Text;
using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.IO;

/// <summary>
/// Writes mixed images as a PNG grid, with a companion Markdown file (same path, extension .md)
/// listing each image's top-2 classes and their soft-label weights, for <c>rlmix train --save-examples N</c>.
/// </summary>
public static class ExampleGrid
{
    /// <summary>Pixels per image pixel in the grid (images are enlarged by replication).</summary>
    public const int Scale = 3;

    /// <summary>White pixels between images.</summary>
    public const int Gap = 2;

    /// <summary>
    /// Writes <paramref name="images"/> <c>[N,C,H,W]</c> (normalized as the model sees them) to
    /// <paramref name="path"/> (PNG) and the labels to the .md beside it. Pixels are un-normalized
    /// with <paramref name="mean"/> and <paramref name="std"/> (one per channel) and clipped to [0, 1];
    /// 1 channel is drawn grey, 3 as RGB. Both files are written atomically (temp file, then rename).
    /// </summary>
    /// <param name="targets">Soft targets <c>[N,K]</c>.</param>
    /// <param name="classNames">Optional names of the K classes (else their indices).</param>
    public static void Save(string path, Tensor images, Tensor targets, IReadOnlyList<float> mean, IReadOnlyList<float> std,
        IReadOnlyList<string>? classNames = null)
    {
        if (images.dim() != 4)
            throw new UsageException($"Example images must have shape [N, C, H, W]; got {MixShapes.Of(images)}.");
        int n = (int)images.shape[0], c = (int)images.shape[1], h = (int)images.shape[2], w = (int)images.shape[3];
        if (c != 1 && c != 3)
            throw new UsageException($"Example images must have 1 or 3 channels; got {c}.");
        if (mean.Count != c || std.Count != c)
            throw new UsageException($"mean and std need one value per channel ({c}); got {mean.Count} and {std.Count}.");
        if (targets.dim() != 2 || targets.shape[0] != n)
            throw new UsageException($"Example targets must have shape [{n}, K]; got {MixShapes.Of(targets)}.");

        float[] pixels, labels;
        using (var scope = NewDisposeScope())
        {
            var m = tensor(mean.ToArray()).view(1, c, 1, 1);
            var s = tensor(std.ToArray()).view(1, c, 1, 1);
            pixels = (images.detach().cpu().to(ScalarType.Float32) * s + m).clamp(0, 1).contiguous().data<float>().ToArray();
            labels = targets.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        }
        int k = (int)targets.shape[1];
        int cols = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(n))), rows = Math.Max(1, (n + cols - 1) / cols);
        int cellW = w * Scale + Gap, cellH = h * Scale + Gap;
        int width = cols * cellW + Gap, height = rows * cellH + Gap;
        var rgb = Enumerable.Repeat((byte)255, width * height * 3).ToArray();
        for (int i = 0; i < n; i++)
        {
            int x0 = Gap + i % cols * cellW, y0 = Gap + i / cols * cellH;
            for (int y = 0; y < h * Scale; y++)
                for (int x = 0; x < w * Scale; x++)
                    for (int ch = 0; ch < 3; ch++)
                    {
                        int source = c == 1 ? 0 : ch;
                        float v = pixels[((i * c + source) * h + y / Scale) * w + x / Scale];
                        rgb[((y0 + y) * width + x0 + x) * 3 + ch] = (byte)Math.Round(v * 255);
                    }
        }

        var md = new StringBuilder();
        md.AppendLine($"# Mixed examples ({Path.GetFileName(path)})").AppendLine();
        md.AppendLine($"Grid of {rows} x {cols}, read row by row. Top-2 classes of each soft label:").AppendLine();
        md.AppendLine("| image | row | col | class 1 | weight 1 | class 2 | weight 2 |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        for (int i = 0; i < n; i++)
        {
            var top = Enumerable.Range(0, k).OrderByDescending(j => labels[i * k + j]).ThenBy(j => j).Take(2).ToArray();
            string Name(int j) => classNames is not null && j < classNames.Count ? classNames[j] : j.ToString(CultureInfo.InvariantCulture);
            string Weight(int j) => labels[i * k + j].ToString("0.000", CultureInfo.InvariantCulture);
            var second = top.Length > 1 ? $"{Name(top[1])} | {Weight(top[1])}" : "- | -";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {i} | {i / cols} | {i % cols} | {Name(top[0])} | {Weight(top[0])} | {second} |");
        }

        WriteAtomically(path, PngWriter.Encode(width, height, rgb));
        WriteAtomically(Path.ChangeExtension(path, ".md"), Encoding.UTF8.GetBytes(md.ToString()));
    }

    static void WriteAtomically(string path, byte[] bytes)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}

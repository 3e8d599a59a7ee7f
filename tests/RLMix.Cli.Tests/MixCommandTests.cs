using System.Text.Json;

namespace RLMix.Cli.Tests;

public sealed class MixCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-mix-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Mixup_WritesTheConvexCombinationOfImagesAndLabels()
    {
        // Two 1x1x2 images, lambda 0.25, partners swapped: by hand, x0' = 0.25*x0 + 0.75*x1 and x1' = 0.25*x1 + 0.75*x0.
        File.WriteAllText(Path.Combine(dir, "in.json"), """
            { "images": { "shape": [2, 1, 1, 2], "data": [1, 2, 10, 20] },
              "labels": { "shape": [2], "data": [0, 2] }, "num_classes": 3,
              "permutation": { "shape": [2], "data": [1, 0] }, "lambda": 0.25 }
            """);
        var r = RlmixProcess.Run(dir, "mix", "--method", "mixup", "--input", "in.json", "--output", "out.json");
        Assert.True(r.ExitCode == 0, r.Output);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out.json")));
        var images = doc.RootElement.GetProperty("images");
        Assert.Equal([2, 1, 1, 2], images.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal([7.75, 15.5, 3.25, 6.5], images.GetProperty("data").EnumerateArray().Select(e => Math.Round(e.GetDouble(), 5)));
        Assert.Equal([0.25, 0, 0.75, 0.75, 0, 0.25], doc.RootElement.GetProperty("targets").GetProperty("data").EnumerateArray().Select(e => Math.Round(e.GetDouble(), 5)));
    }

    [Theory]
    [InlineData("""{ "labels": { "shape": [1], "data": [0] }, "num_classes": 2 }""", "images")]
    [InlineData("""{ "images": { "shape": [1, 1, 2], "data": [1, 2] }, "labels": { "shape": [1], "data": [0] }, "num_classes": 2, "permutation": { "shape": [1], "data": [0] }, "lambda": 0.5 }""", "images")]
    [InlineData("""not json""", "not valid JSON")]
    public void BadInput_IsExit2NamingTheField(string json, string named)
    {
        File.WriteAllText(Path.Combine(dir, "in.json"), json);
        var r = RlmixProcess.Run(dir, "mix", "--method", "mixup", "--input", "in.json", "--output", "out.json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains(named, r.Output);
        Assert.False(File.Exists(Path.Combine(dir, "out.json")));
    }

    [Fact]
    public void MissingInputFile_IsExit2()
    {
        var r = RlmixProcess.Run(dir, "mix", "--method", "rmix", "--input", "nope.json", "--output", "out.json");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("nope.json", r.Output);
    }

    [Fact]
    public void CoMixup_WritesImagesTargetsAndAnAssignmentThatExplainsThem()
    {
        // Four 1x4x4 images with constant values 1..4 and random saliency: every output pixel must be
        // the assignment-weighted sum of the inputs' values, and every target row the area share.
        var rng = new Random(5);
        var images = Enumerable.Range(0, 4).SelectMany(i => Enumerable.Repeat((double)(i + 1), 16)).ToArray();
        var saliency = Enumerable.Range(0, 64).Select(_ => rng.NextDouble()).ToArray();
        File.WriteAllText(Path.Combine(dir, "in.json"), JsonSerializer.Serialize(new
        {
            images = new { shape = new[] { 4, 1, 4, 4 }, data = images },
            labels = new { shape = new[] { 4 }, data = new[] { 0, 1, 2, 3 } },
            num_classes = 4,
            saliency = new { shape = new[] { 4, 4, 4 }, data = saliency },
            seed = 1,
            settings = new { block_grid = 2, partition_size = 4, compatibility_kernel = 2 },
        }));
        var r = RlmixProcess.Run(dir, "mix", "--method", "comixup", "--input", "in.json", "--output", "out.json");
        Assert.True(r.ExitCode == 0, r.Output);

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out.json")));
        double[] Data(string f) => doc.RootElement.GetProperty(f).GetProperty("data").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var z = Data("assignment"); // [4 outputs, 4 inputs, 2, 2]
        var mixed = Data("images");  // [4, 1, 4, 4]
        var targets = Data("targets");
        for (int j = 0; j < 4; j++)
        {
            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 4; x++)
                {
                    int cell = (y / 2) * 2 + x / 2;
                    double expected = Enumerable.Range(0, 4).Sum(i => z[((j * 4 + i) * 4) + cell] * (i + 1));
                    Assert.Equal(expected, mixed[j * 16 + y * 4 + x], 5);
                }
            for (int i = 0; i < 4; i++)
            {
                double share = Enumerable.Range(0, 4).Sum(cell => z[((j * 4 + i) * 4) + cell]) / 4;
                Assert.Equal(share, targets[j * 4 + i], 5);
            }
        }
    }
}

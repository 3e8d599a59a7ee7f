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
}

using System.Text.Json;
using System.Text.Json.Nodes;
using RLMix.Errors;
using RLMix.Experiments.Mix;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Experiments.Tests.Mix;

public sealed class MixCommandCoreTests
{
    static JsonNode T(long[] shape, IEnumerable<double> data) =>
        new JsonObject { ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()), ["data"] = new JsonArray(data.Select(d => (JsonNode)d).ToArray()) };

    // Two 1-channel 4x4 images, the hand example of RMixTests.
    static JsonObject RMixInput() => new()
    {
        ["images"] = T([2, 1, 4, 4], Enumerable.Range(1, 16).Concat(Enumerable.Range(101, 16)).Select(v => (double)v)),
        ["labels"] = T([2], [0, 2]),
        ["num_classes"] = 3,
        ["saliency"] = T([2, 4, 4], [3, 5, 3, 3, 4, 4, 2, 4, 2, 2, 1, 1, 1, 3, 0, 2, 1, 1, 4, 4, 0, 2, 5, 3, 2, 2, 3, 3, 2, 2, 3, 3]),
        ["q"] = T([2], [0.5, 0.9]),
        ["lambda"] = 0.25,
        ["permutation"] = T([2], [1, 0]),
        ["p"] = 2,
    };

    static string Run(string method, JsonObject input)
    {
        using var doc = JsonDocument.Parse(input.ToJsonString());
        return MixCommandCore.Run(method, doc);
    }

    static float[] Data(JsonElement root, string field) =>
        root.GetProperty(field).GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray();

    [Fact]
    public void TensorJson_RoundTripsFloatAndIntegerTensors()
    {
        using var scope = NewDisposeScope();
        var floats = randn([2, 3, 4], generator: new Generator(1));
        var ints = tensor(new long[] { 3, -1, 7, 0 }).view(2, 2);
        foreach (var (t, integer) in new[] { (floats, false), (ints, true) })
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
                TensorJson.Write(writer, t);
            using var doc = JsonDocument.Parse(stream.ToArray());
            var back = TensorJson.Parse(doc.RootElement, "x", integer);
            Assert.Equal(t.shape, back.shape);
            Assert.True(back.allclose(t, 0, 0));
        }
    }

    [Fact]
    public void RMix_ProducesTheHandComputedMix()
    {
        using var doc = JsonDocument.Parse(Run("rmix", RMixInput()));
        var root = doc.RootElement;
        Assert.Equal(new[] { 2, 1, 4, 4 }, root.GetProperty("images").GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(new float[] { 1, 2, 78, 79, 5, 6, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91 }, Data(root, "images").Take(16));
        Assert.Equal(new float[] { 1, 2, 28, 29, 5, 6, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41 }, Data(root, "images").Skip(16));
        Assert.Equal(new float[] { 0.4375f, 0, 0.5625f, 0.8125f, 0, 0.1875f }, Data(root, "targets"));
    }

    [Fact]
    public void RMix_WithSeed_DrawsTheMissingFieldsAsRMixMixerDoes()
    {
        using var scope = NewDisposeScope();
        var input = RMixInput();
        foreach (var f in new[] { "q", "lambda", "permutation", "p" }) input.Remove(f);
        input["seed"] = 7;
        input["settings"] = new JsonObject { ["alpha"] = 0.5, ["patches"] = new JsonArray(2, 4) };
        using var doc = JsonDocument.Parse(Run("rmix", input));
        var root = doc.RootElement;

        // The mixer of rlmix train --method rmix with the same options and a generator of the same seed.
        var images = tensor(Enumerable.Range(1, 16).Concat(Enumerable.Range(101, 16)).Select(v => (float)v).ToArray()).view(2, 1, 4, 4);
        var saliency = tensor(new float[] { 3, 5, 3, 3, 4, 4, 2, 4, 2, 2, 1, 1, 1, 3, 0, 2, 1, 1, 4, 4, 0, 2, 5, 3, 2, 2, 3, 3, 2, 2, 3, 3 }).view(2, 4, 4);
        var mixer = new RMixMixer(new RMixOptions { Alpha = 0.5, Patches = [2, 4] });
        var expected = mixer.Mix(new RLMix.Data.Batch(images, tensor(new long[] { 0, 2 })), new MixContext(3, new Generator(7), saliency));
        var draw = mixer.Sampler.Draw(2, new Generator(7), CPU);

        Assert.Equal(expected.Inputs.data<float>().ToArray(), Data(root, "images"));
        Assert.Equal(expected.Targets.data<float>().ToArray(), Data(root, "targets"));
        Assert.Equal(draw.P, root.GetProperty("p").GetInt32());
        Assert.Equal(draw.Lambda, root.GetProperty("lambda").GetDouble());
        Assert.Equal(draw.Q.data<float>().ToArray(), Data(root, "q"));
        Assert.Equal(draw.Permutation.data<long>().Select(v => (float)v).ToArray(), Data(root, "permutation"));
    }

    [Fact]
    public void RMix_SettingsWithoutSeed_AndBadSettings_AreUsageErrors()
    {
        var input = RMixInput();
        input["settings"] = new JsonObject { ["alpha"] = 0.5 };
        Assert.Contains("give 'seed'", Assert.Throws<UsageException>(() => Run("rmix", input)).Message);
        input.Remove("p");
        input["seed"] = 1;
        input["settings"] = new JsonObject { ["patches"] = new JsonArray(3) };
        Assert.Contains("settings.patches", Assert.Throws<UsageException>(() => Run("rmix", input)).Message);
        input["settings"] = new JsonObject { ["alpha"] = 0 };
        Assert.Contains("settings.alpha", Assert.Throws<UsageException>(() => Run("rmix", input)).Message);
    }

    [Fact]
    public void RMix_AcceptsSoftTargetsInsteadOfLabels()
    {
        var input = RMixInput();
        input.Remove("labels");
        input.Remove("num_classes");
        input["targets"] = T([2, 3], [1, 0, 0, 0, 0, 1]);
        using var doc = JsonDocument.Parse(Run("rmix", input));
        Assert.Equal(new float[] { 0.4375f, 0, 0.5625f, 0.8125f, 0, 0.1875f }, Data(doc.RootElement, "targets"));
    }

    [Fact]
    public void Mixup_And_CutMix_MixTheGivenTensors()
    {
        var input = RMixInput();
        foreach (var f in new[] { "saliency", "q", "p" })
            input.Remove(f);
        using (var doc = JsonDocument.Parse(Run("mixup", input)))
        {
            Assert.Equal(1 * 0.25f + 101 * 0.75f, Data(doc.RootElement, "images")[0]);
            Assert.Equal(new float[] { 0.25f, 0, 0.75f, 0.75f, 0, 0.25f }, Data(doc.RootElement, "targets"));
        }
        input.Remove("lambda");
        input["box"] = new JsonObject { ["x0"] = 0, ["y0"] = 0, ["x1"] = 2, ["y1"] = 1 };
        using (var doc = JsonDocument.Parse(Run("cutmix", input)))
        {
            var images = Data(doc.RootElement, "images");
            Assert.Equal(new float[] { 101, 102, 3, 4 }, images.Take(4));
            Assert.Equal(0.875, doc.RootElement.GetProperty("lambda").GetDouble(), 12);
            Assert.Equal(new float[] { 0.875f, 0, 0.125f, 0.125f, 0, 0.875f }, Data(doc.RootElement, "targets"));
        }
        input.Remove("box");
        input["lambda"] = 0.5;
        input["seed"] = 3;
        var first = Run("cutmix", input);
        Assert.Equal(first, Run("cutmix", input));
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "rmix", "images", "remove" },
        { "rmix", "saliency", "remove" },
        { "rmix", "q", "remove" },
        { "rmix", "lambda", "remove" },
        { "rmix", "permutation", "remove" },
        { "rmix", "p", "remove" },
        { "rmix", "num_classes", "remove" },
        { "rmix", "labels", "remove" },
        { "rmix", "saliency", "shape" },
        { "rmix", "q", "shape" },
        { "rmix", "permutation", "shape" },
        { "rmix", "labels", "shape" },
        { "rmix", "images", "shape" },
        { "rmix", "saliency", "count" },
        { "rmix", "images", "noshape" },
        { "rmix", "labels", "fraction" },
        { "rmix", "permutation", "range" },
        { "rmix", "labels", "range" },
        { "rmix", "q", "range" },
        { "rmix", "lambda", "range" },
        { "rmix", "p", "range" },
        { "rmix", "lamda", "unknown" },
        { "mixup", "lambda", "remove" },
        { "cutmix", "box", "remove" },
        { "cutmix", "box", "range" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedInput_IsUsageErrorNamingTheField(string method, string field, string fault)
    {
        var input = RMixInput();
        if (method != "rmix")
            foreach (var f in new[] { "saliency", "q", "p" })
                input.Remove(f);
        if (method == "cutmix")
        {
            input.Remove("lambda");
            input["box"] = new JsonObject { ["x0"] = 0, ["y0"] = 0, ["x1"] = 2, ["y1"] = 1 };
        }
        switch (fault)
        {
            case "remove": input.Remove(field); break;
            case "shape":
                var shape = input[field]!["shape"]!.AsArray().Select(s => (long)s!).ToArray();
                if (field == "images") shape = [2, 16, 1]; // not 4-D
                else shape[^1] += 1;
                long n = shape.Aggregate(1L, (a, b) => a * b);
                input[field] = T(shape, Enumerable.Repeat(0.0, (int)n));
                break;
            case "count": input[field]!["data"]!.AsArray().RemoveAt(0); break;
            case "noshape": input[field]!.AsObject().Remove("shape"); break;
            case "fraction": input[field]!["data"]![0] = 0.5; break;
            case "range":
                if (field == "box") input[field]!["x1"] = 9;
                else if (input[field] is JsonObject o) o["data"]![0] = field == "q" ? 1.5 : 7;
                else input[field] = field == "p" ? 3 : 1.5;
                break;
            case "unknown": input[field] = 0.5; break;
        }
        var e = Assert.Throws<UsageException>(() => Run(method, input));
        Assert.Contains($"'{field}'", e.Message);
    }

    [Fact]
    public void UnknownMethod_IsUsageErrorListingTheMethods()
    {
        var e = Assert.Throws<UsageException>(() => Run("puzzlemix", RMixInput()));
        Assert.Contains("rmix, mixup, cutmix", e.Message);
    }
}

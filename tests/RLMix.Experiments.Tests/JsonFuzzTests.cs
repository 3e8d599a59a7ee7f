using FsCheck.Xunit;
using RLMix.Configuration;
using RLMix.Errors;
using RLMix.Experiments.Mix;
using RLMix.Mixing;
using RLMix.Training;

namespace RLMix.Experiments.Tests;

/// <summary>
/// Mutated JSON fed to the config reader and to <c>rlmix mix</c>'s tensor-JSON reader: each input either
/// parses or fails with a <see cref="UsageException"/>; nothing else escapes. Mutations start from valid
/// inputs: characters overwritten with JSON-significant ones, truncation, inserted tokens (huge numbers,
/// negative sizes, nested objects, wrong types).
/// </summary>
public sealed class JsonFuzzTests
{
    const int Cases = 10000;

    static readonly string[] Configs =
    [
        """{ "method": "rmix", "epochs": 2, "seed": 3, "data": { "dataset": "synthetic", "batch_size": 50, "limit_train": 200 }, "trainer": { "milestones": [1, 2], "max_lr": 0.1 }, "rmix": { "alpha": 0.5, "patches": [2, 4] } }""",
        """{ "methods": { "lamix": { "beta": 0.5 } }, "device": "cpu", "on_non_finite": "skip" }""",
    ];

    static readonly string[] MixInputs =
    [
        """{ "images": { "shape": [2, 1, 4, 4], "data": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16] }, "labels": { "shape": [2], "data": [0, 1] }, "num_classes": 2, "saliency": { "shape": [2, 4, 4], "data": [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16] }, "q": { "shape": [2], "data": [0.11, 0.55] }, "lambda": 0.3, "permutation": { "shape": [2], "data": [1, 0] }, "p": 2 }""",
    ];

    static readonly string[] Tokens = ["{", "}", "[", "]", ",", ":", "\"", "-1", "1e308", "99999999999999999999", "null", "true", "\"x\"", "[]", "{}", "4294967296", "0"];

    static string Mutate(string seed, int[] positions, byte[] picks, int cut)
    {
        var chars = seed.ToCharArray().ToList();
        for (int i = 0; i < Math.Min(positions.Length, picks.Length); i++)
        {
            int at = (int)((uint)positions[i] % (uint)chars.Count);
            string token = Tokens[picks[i] % Tokens.Length];
            if (picks[i] % 2 == 0) chars.RemoveAt(at);
            chars.InsertRange(at, token);
        }
        var text = new string(chars.ToArray());
        return cut % 5 == 0 ? text[..(int)((uint)cut % (uint)(text.Length + 1))] : text;
    }

    [Property(MaxTest = Cases, Replay = "(20261123,11400714819323198485)")]
    public void ConfigReader_EitherParsesOrThrowsUsageException(bool which, int[] positions, byte[] picks, int cut)
    {
        string json = Mutate(Configs[which ? 1 : 0], positions, picks, cut);
        try
        {
            var config = ConfigFile.Parse(json, ["rmix", "lamix", "vanilla"]);
            config.Methods.Get<RMixOptions>("rmix");
        }
        catch (UsageException)
        {
        }
    }

    [Property(MaxTest = Cases, Replay = "(20261123,12345678912345678901)")]
    public void MixReader_EitherMixesOrThrowsUsageException(int[] positions, byte[] picks, int cut)
    {
        string json = Mutate(MixInputs[0], positions, picks, cut);
        try
        {
            MixCommandCore.RunText("rmix", json);
        }
        catch (UsageException)
        {
        }
    }

    [Fact]
    public void Seeds_AreValid()
    {
        foreach (var c in Configs) ConfigFile.Parse(c, ["rmix", "lamix", "vanilla"]);
        Assert.Contains("\"targets\"", MixCommandCore.RunText("rmix", MixInputs[0]));
    }
}

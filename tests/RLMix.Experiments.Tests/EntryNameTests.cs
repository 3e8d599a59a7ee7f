using RLMix.Errors;

namespace RLMix.Experiments.Tests;

/// <summary>Comparison entry names become directory names: unsafe or colliding ones are refused.</summary>
public sealed class EntryNameTests
{
    [Theory]
    [InlineData("'a b'", "a b", "a_b", "a/b")]
    [InlineData("'..'", "ok", "..")]
    [InlineData("'RMix' and 'rmix' differ only in letter case", "RMix", "rmix")]
    [InlineData("two entries are named 'x'", "x", "x")]
    public void EntryNames_ThatAreUnsafeOrShareADirectory_AreRefused(string expected, params string[] names)
    {
        var config = new ExperimentConfig { Entries = names.Select(n => new ExperimentEntry(n, "vanilla")).ToArray() };

        var e = Assert.Throws<UsageException>(() => config.CheckEntryNames("c.json"));
        Assert.StartsWith("c.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}

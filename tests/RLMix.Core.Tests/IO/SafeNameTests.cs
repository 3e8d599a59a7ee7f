using RLMix.Errors;
using RLMix.Experiments;
using RLMix.IO;

namespace RLMix.Core.Tests.IO;

public sealed class SafeNameTests
{
    [Theory]
    [InlineData("", "empty")]
    [InlineData(".", "current or the parent")]
    [InlineData("..", "current or the parent")]
    [InlineData("a/b", "path separator '/'")]
    [InlineData("a\\b", "path separator '\\'")]
    [InlineData("a b", "contains ' '")]
    [InlineData("a\nb", "control character U+000A")]
    [InlineData("-x", "starts with '-'")]
    [InlineData(".hidden", "starts with '.'")]
    [InlineData("r\u00e9mix", "contains '\u00e9'")]
    public void UnsafeNames_AreRefusedWithTheRule(string name, string problem)
    {
        Assert.Contains(problem, SafeName.Problem(name));
    }

    [Fact]
    public void OverlongNames_AreRefused()
    {
        Assert.Null(SafeName.Problem(new string('a', SafeName.MaxLength)));
        Assert.Contains("65 characters", SafeName.Problem(new string('a', SafeName.MaxLength + 1)));
    }

    [Theory]
    [InlineData("vanilla")]
    [InlineData("rlmix-random")]
    [InlineData("fixed-0.33")]
    [InlineData("a_b")]
    [InlineData("0")]
    public void OrdinaryNames_AreAccepted(string name) => Assert.Null(SafeName.Problem(name));

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

using RLMix.Errors;
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
}

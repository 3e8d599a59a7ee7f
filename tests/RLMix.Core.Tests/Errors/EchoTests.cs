using RLMix.Errors;

namespace RLMix.Core.Tests.Errors;

public sealed class EchoTests
{
    [Fact]
    public void Of_AShortValue_IsTheValueItself()
    {
        Assert.Equal("rmix", Echo.Of("rmix"));
        Assert.Equal(new string('a', Echo.MaxLength), Echo.Of(new string('a', Echo.MaxLength)));
    }

    [Fact]
    public void Of_ALongValue_ShowsItsFirst80CharactersAndItsLength()
    {
        var value = new string('x', 50_000_000);
        Assert.Equal(new string('x', 80) + "… (50,000,000 characters)", Echo.Of(value));
    }

    [Fact]
    public void Of_ControlCharacters_CannotStartAFakeLogLine()
    {
        Assert.Equal("a?ERR b", Echo.Of("a\nERR b"));
    }
}

using RLMix.Errors;
using RLMix.IO;

namespace RLMix.Core.Tests.IO;

public sealed class OutputDirectoryTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-out-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string At(string name) => Path.Combine(dir, name);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void EmptyPath_IsRefused(string path)
    {
        var e = Assert.Throws<UsageException>(() => OutputDirectory.Check(path));
        Assert.Contains("--out is empty", e.Message);
    }

    [Fact]
    public void ExistingFile_AndAPathBelowAFile_AreRefusedNamingTheFile()
    {
        File.WriteAllText(At("f"), "x");

        Assert.Contains("is an existing file", Assert.Throws<UsageException>(() => OutputDirectory.Check(At("f"))).Message);
        var below = Assert.Throws<UsageException>(() => OutputDirectory.Check(At("f/run/x")));
        Assert.Contains($"'{At("f")}' is a file", below.Message);
    }

    [Fact]
    public void DanglingSymlink_IsRefusedNamingItsTarget()
    {
        File.CreateSymbolicLink(At("link"), At("missing"));

        var e = Assert.Throws<UsageException>(() => OutputDirectory.Create(At("link")));
        Assert.Contains("symbolic link", e.Message);
        Assert.Contains(At("missing"), e.Message);
    }

    [Fact]
    public void OverlongName_IsRefusedWithItsLength_AndTheEchoIsCut()
    {
        string name = new('x', 300);

        var e = Assert.Throws<UsageException>(() => OutputDirectory.Check(Path.Combine(dir, name)));
        Assert.Contains("300 bytes long", e.Message);
        Assert.Contains("at most 255", e.Message);
        Assert.True(e.Message.Length < 400, e.Message);
    }

    [Fact]
    public void NewNestedDirectory_AndALinkToADirectory_AreAccepted()
    {
        Directory.CreateDirectory(At("real"));
        Directory.CreateSymbolicLink(At("tolink"), At("real"));

        OutputDirectory.Create(At("a/b/c"));
        OutputDirectory.Create(At("tolink/run"));

        Assert.True(Directory.Exists(At("a/b/c")));
        Assert.True(Directory.Exists(At("real/run")));
    }
}

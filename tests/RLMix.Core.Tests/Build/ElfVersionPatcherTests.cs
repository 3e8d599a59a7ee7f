using RLMix.Build;

namespace RLMix.Core.Tests.Build;

public sealed class ElfVersionPatcherTests : IDisposable
{
    const string Version = "GLIBCXX_3.4.32";
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-elf-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Write(byte[] bytes)
    {
        string path = Path.Combine(dir, "lib.so");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // vna_flags of Vernaux entry i, located independently of the patcher from TinyElf's fixed layout.
    static int FlagsOffset(byte[] elf, int index)
    {
        long shoff = BitConverter.ToInt64(elf, 0x28);
        long verneed = BitConverter.ToInt64(elf, (int)shoff + 2 * 64 + 0x18);
        return (int)verneed + 16 + index * 16 + 4;
    }

    [Fact]
    public void MarkVersionWeak_SetsTheFlagOnTheNamedEntryOnly()
    {
        byte[] original = TinyElf.Build("GLIBCXX_3.4.26", Version, "CXXABI_1.3.5");
        string path = Write(original);

        Assert.Equal(ElfPatchOutcome.Patched, ElfVersionPatcher.MarkVersionWeak(path, Version));

        byte[] patched = File.ReadAllBytes(path);
        Assert.Equal(original.Length, patched.Length);
        var changed = Enumerable.Range(0, patched.Length).Where(i => patched[i] != original[i]).ToArray();
        Assert.Equal(new[] { FlagsOffset(original, 1) }, changed);
        Assert.Equal(2, BitConverter.ToUInt16(patched, FlagsOffset(original, 1)));
        Assert.True(ElfVersionPatcher.IsVersionWeak(path, Version));
        Assert.False(ElfVersionPatcher.IsVersionWeak(path, "GLIBCXX_3.4.26"));
    }

    [Fact]
    public void MarkVersionWeak_SecondRunIsANoOp()
    {
        string path = Write(TinyElf.Build(Version));
        ElfVersionPatcher.MarkVersionWeak(path, Version);
        byte[] once = File.ReadAllBytes(path);
        var stamp = File.GetLastWriteTimeUtc(path);

        Assert.Equal(ElfPatchOutcome.AlreadyWeak, ElfVersionPatcher.MarkVersionWeak(path, Version));
        Assert.Equal(once, File.ReadAllBytes(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
    }

    [Fact]
    public void MarkVersionWeak_LeavesAFileWithoutThatRequirementAlone()
    {
        byte[] original = TinyElf.Build("GLIBCXX_3.4.26");
        string path = Write(original);
        Assert.Equal(ElfPatchOutcome.VersionNotRequired, ElfVersionPatcher.MarkVersionWeak(path, Version));
        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Null(ElfVersionPatcher.IsVersionWeak(path, Version));
    }

    [Fact]
    public void MarkVersionWeak_RejectsANonElfFileWithoutTouchingIt()
    {
        byte[] text = "#!/bin/sh\necho this is not a library\n"u8.ToArray().Concat(new byte[100]).ToArray();
        string path = Write(text);
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.MarkVersionWeak(path, Version));
        Assert.Contains(path, e.Message);
        Assert.Contains("magic", e.Message);
        Assert.Equal(text, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData(40)]   // cut inside the ELF header
    [InlineData(130)]  // section headers missing
    public void MarkVersionWeak_RejectsATruncatedFileWithoutTouchingIt(int keep)
    {
        byte[] cut = TinyElf.Build(Version).Take(keep).ToArray();
        string path = Write(cut);
        var e = Assert.Throws<ElfFormatException>(() => ElfVersionPatcher.MarkVersionWeak(path, Version));
        Assert.Contains(path, e.Message);
        Assert.Equal(cut, File.ReadAllBytes(path));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void BuildOutput_LibTorchSharpIsLoadableHere()
    {
        // The build (Directory.Build.targets) must have patched the copy next to this test assembly
        // wherever the system libstdc++ lacks GLIBCXX_3.4.32.
        string lib = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        string? system = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        Assert.True(File.Exists(lib), $"missing {lib}");
        bool? weak = ElfVersionPatcher.IsVersionWeak(lib, Version);
        if (system != null && !ElfVersionPatcher.LibraryDefinesVersion(system, Version))
            Assert.True(weak);
        else
            Assert.NotNull(weak); // the requirement is still there (unpatched copies are fine where it is met)
    }
}

using RLMix.Errors;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Training;

public sealed class CheckpointFileTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-ckpt-").FullName;

    string Latest => Path.Combine(dir, CheckpointFile.FileName);
    string Previous => Path.Combine(dir, CheckpointFile.PreviousFileName);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static CheckpointSections Sections(int epoch) => new CheckpointSections()
        .Add("run", w => { w.Write(epoch); w.Write("note"); })
        .Add("blob", Enumerable.Range(0, 1000).Select(i => (byte)(i * epoch)).ToArray());

    static int Epoch(CheckpointSections s)
    {
        using var r = s.Open("run");
        return r.ReadInt32();
    }

    [Fact]
    public void RoundTrip_KeepsEverySection()
    {
        CheckpointFile.Save(dir, Sections(3));
        var loaded = CheckpointFile.TryLoadLatest(dir)!;
        Assert.Equal(Latest, loaded.Path);
        Assert.False(loaded.UsedPrevious);
        Assert.Null(loaded.Problem);
        Assert.Equal(["run", "blob"], loaded.Sections.Names);
        using var r = loaded.Sections.Open("run");
        Assert.Equal(3, r.ReadInt32());
        Assert.Equal("note", r.ReadString());
        Assert.Equal(Sections(3).Get("blob"), loaded.Sections.Get("blob"));
        Assert.False(File.Exists(Latest + ".tmp"));
    }

    [Fact]
    public void Save_KeepsThePreviousCheckpoint()
    {
        CheckpointFile.Save(dir, Sections(1));
        Assert.False(File.Exists(Previous));
        CheckpointFile.Save(dir, Sections(2));
        CheckpointFile.Save(dir, Sections(3));
        Assert.Equal(3, Epoch(CheckpointFile.Read(Latest)));
        Assert.Equal(2, Epoch(CheckpointFile.Read(Previous)));
    }

    [Fact]
    public void TruncatedLatest_IsDetected_AndTheRunFallsBackToThePrevious()
    {
        CheckpointFile.Save(dir, Sections(1));
        CheckpointFile.Save(dir, Sections(2));
        var bytes = File.ReadAllBytes(Latest);
        File.WriteAllBytes(Latest, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DataException>(() => CheckpointFile.Read(Latest));
        Assert.Contains(Latest, e.Message);
        Assert.Contains("truncated", e.Message);

        var loaded = CheckpointFile.TryLoadLatest(dir)!;
        Assert.True(loaded.UsedPrevious);
        Assert.Equal(Previous, loaded.Path);
        Assert.Contains(Latest, loaded.Problem);
        Assert.Equal(1, Epoch(loaded.Sections));
    }

    [Theory]
    [InlineData(5)]      // in the magic
    [InlineData(100)]    // in the payload
    [InlineData(-1)]     // last byte
    public void FlippedBit_IsDetected(int position)
    {
        CheckpointFile.Save(dir, Sections(1));
        var bytes = File.ReadAllBytes(Latest);
        var i = position < 0 ? bytes.Length - 1 : position;
        bytes[i] ^= 0x10;
        File.WriteAllBytes(Latest, bytes);
        var e = Assert.Throws<DataException>(() => CheckpointFile.Read(Latest));
        Assert.Contains(Latest, e.Message);
    }

    [Fact]
    public void PayloadBitFlip_IsReportedAsAChecksumMismatch()
    {
        CheckpointFile.Save(dir, Sections(1));
        var bytes = File.ReadAllBytes(Latest);
        bytes[200] ^= 0x01;
        File.WriteAllBytes(Latest, bytes);
        var e = Assert.Throws<DataException>(() => CheckpointFile.Read(Latest));
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void NoCheckpoint_GivesNull()
    {
        Assert.Null(CheckpointFile.TryLoadLatest(dir));
        Assert.Null(CheckpointFile.TryLoadLatest(Path.Combine(dir, "missing")));
    }

    [Fact]
    public void LatestDamagedAndNoPrevious_IsADataErrorNamingThePath()
    {
        CheckpointFile.Save(dir, Sections(1));
        File.WriteAllBytes(Latest, [1, 2, 3]);
        var e = Assert.Throws<DataException>(() => CheckpointFile.TryLoadLatest(dir));
        Assert.Contains(Latest, e.Message);
        Assert.Contains("no previous checkpoint", e.Message);
    }

    [Fact]
    public void BothDamaged_IsADataErrorNamingBoth()
    {
        CheckpointFile.Save(dir, Sections(1));
        CheckpointFile.Save(dir, Sections(2));
        File.WriteAllBytes(Latest, []);
        File.WriteAllText(Previous, "not a checkpoint at all, but long enough to hold a header........");
        var e = Assert.Throws<DataException>(() => CheckpointFile.TryLoadLatest(dir));
        Assert.Contains(Latest, e.Message);
        Assert.Contains(Previous, e.Message);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void MissingSection_IsAUsageErrorListingThePresentOnes()
    {
        var e = Assert.Throws<UsageException>(() => Sections(1).Get("agent"));
        Assert.Contains("'agent'", e.Message);
        Assert.Contains("run, blob", e.Message);
    }

    [Fact]
    public void GeneratorState_RoundTrips()
    {
        var g = new Generator(5);
        using var _ = randn(3, generator: g);
        var sections = new CheckpointSections().AddGenerator("rng", g);
        CheckpointFile.Save(dir, sections);
        using var expected = randn(4, generator: g);

        var restored = new Generator(77);
        CheckpointFile.TryLoadLatest(dir)!.Sections.RestoreGenerator("rng", restored);
        using var actual = randn(4, generator: restored);
        Assert.True(expected.Equals(actual));
    }
}

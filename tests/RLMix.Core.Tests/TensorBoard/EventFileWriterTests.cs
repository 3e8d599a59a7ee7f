using System.Text;
using RLMix.TensorBoard;

namespace RLMix.Core.Tests.TensorBoard;

public sealed class EventFileWriterTests
{
    [Fact]
    public void Crc32C_GivesTheStandardCheckValues()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));                 // RFC 3720 B.4: 32 zero bytes
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.Equal(0xC78AB0E5u, Crc32C.Masked(Encoding.ASCII.GetBytes("123456789")));   // rotate right 15, + 0xA282EAD8, by hand
    }

    [Fact]
    public void Writer_ProducesTheBytesOfAnIndependentEncoder()
    {
        // Reference bytes from a separate encoder (Python: struct + bitwise CRC-32C) of the same two events.
        const string expected = "1800000000000000a37f4b220900002040fc54d9411a0d627261696e2e4576656e743a322b3531102400000000000000422b804d0900005040fc54d94110ac022a160a080a0161150000c03f0a0a0a03622f6315000000c0c7049f39";
        var dir = TempDir();
        var times = new Queue<DateTimeOffset>([DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_500), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_001_250)]);
        string path;
        using (var writer = new EventFileWriter(dir, times.Dequeue))
        {
            writer.AddScalars(300, [new("a", 1.5), new("b/c", -2)]);
            path = writer.FilePath;
        }
        Assert.Equal(expected, Convert.ToHexStringLower(File.ReadAllBytes(path)));
        Assert.Matches(@"^events\.out\.tfevents\.1700000000\.[A-Za-z0-9._-]+$", Path.GetFileName(path));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Writer_EveryEventCarriesUnixSecondsAndTheRunKeepsOneFile()
    {
        var dir = TempDir();
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using (var w = new EventFileWriter(dir)) w.AddScalar("train/loss", 0.5, 1);
        using (var w = new EventFileWriter(dir)) w.AddScalar("train/loss", 0.25, 2);   // a resumed run appends
        var after = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var file = Assert.Single(Directory.GetFiles(dir));
        var events = EventFileReader.Read(file);
        Assert.Equal(3, events.Count);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.All(events, e => Assert.InRange(e.WallTime, before, after + 1));
        Assert.Equal([1L, 2L], events.Skip(1).Select(e => e.Step));
        Assert.Equal([("train/loss", 0.5f), ("train/loss", 0.25f)], events.Skip(1).Select(e => e.Scalars.Single()));
        Directory.Delete(dir, true);
    }

    static string TempDir() => Directory.CreateTempSubdirectory("rlmix-tb-").FullName;
}

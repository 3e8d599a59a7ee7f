using System.Security.Cryptography;
using RLMix.Errors;
using RLMix.Training;

namespace RLMix.Core.Tests.Training;

/// <summary>Mutated checkpoint bytes either parse or fail with the project's DataException; nothing else escapes.</summary>
public sealed class CheckpointFuzzTests
{
    const int Cases = 10_000;

    static byte[] ValidFile()
    {
        var dir = Directory.CreateTempSubdirectory("rlmix-fuzz-").FullName;
        try
        {
            var sections = new CheckpointSections()
                .Add("run", w => { w.Write(3); w.Write(42L); })
                .Add("trainer", new byte[300])
                .Add("rng", Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());
            var path = Path.Combine(dir, "c.bin");
            CheckpointFile.Write(path, sections);
            return File.ReadAllBytes(path);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static byte[] Mutate(byte[] valid, Random rng)
    {
        var bytes = (byte[])valid.Clone();
        switch (rng.Next(5))
        {
            case 0: return bytes[..rng.Next(bytes.Length)];                       // truncation
            case 1: bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8)); return bytes; // bit flip
            case 2: rng.NextBytes(bytes.AsSpan(rng.Next(bytes.Length))); return bytes;       // random tail
            case 3: return [.. bytes, .. new byte[rng.Next(1, 16)]];                          // appended bytes
            default:                                                                          // huge or negative length in the header
                BitConverter.TryWriteBytes(bytes.AsSpan(12), rng.Next(2) == 0 ? long.MaxValue : -rng.NextInt64(1, 1L << 40));
                return bytes;
        }
    }

    [Fact]
    public void MutatedFiles_ParseOrFailWithADataException()
    {
        var valid = ValidFile();
        var rng = new Random(2024);
        var rejected = 0;
        for (var i = 0; i < Cases; i++)
        {
            var bytes = Mutate(valid, rng);
            try
            {
                CheckpointFile.Parse(bytes, "fuzz.bin");
            }
            catch (DataException e)
            {
                Assert.Contains("fuzz.bin", e.Message);
                rejected++;
            }
        }
        Assert.True(rejected > Cases * 9 / 10, $"only {rejected} of {Cases} mutations were rejected");
    }

    [Fact]
    public void RandomPayloadsWithAValidChecksum_ParseOrFailWithADataException()
    {
        // Past the checksum, the section parser must itself refuse bad counts and lengths.
        var rng = new Random(7);
        for (var i = 0; i < Cases; i++)
        {
            var payload = new byte[rng.Next(0, 64)];
            rng.NextBytes(payload);
            if (payload.Length >= 4 && rng.Next(2) == 0) BitConverter.TryWriteBytes(payload, rng.Next(0, 3)); // plausible section count
            var file = new byte[52 + payload.Length];
            "RLMIXCKP"u8.CopyTo(file);
            BitConverter.TryWriteBytes(file.AsSpan(8), CheckpointFile.FormatVersion);
            BitConverter.TryWriteBytes(file.AsSpan(12), (long)payload.Length);
            SHA256.HashData(payload, file.AsSpan(20, 32));
            payload.CopyTo(file, 52);
            try
            {
                CheckpointFile.Parse(file, "fuzz.bin");
            }
            catch (DataException e)
            {
                Assert.Contains("malformed", e.Message);
            }
        }
    }
}

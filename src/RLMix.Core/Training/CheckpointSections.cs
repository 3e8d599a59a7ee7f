using System.Runtime.InteropServices;
using System.Text;
using static TorchSharp.torch;

namespace RLMix.Training;

/// <summary>
/// The payload of a checkpoint: named binary sections (e.g. "trainer", "run" with epoch and batch
/// index, "rng" with generator states, "agent"), so that each component saves and restores its own
/// part and later components can add theirs without changing the file format.
/// </summary>
public sealed class CheckpointSections
{
    /// <summary>Longest accepted section name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 256;

    readonly List<KeyValuePair<string, byte[]>> sections = [];

    /// <summary>Section names in the order they were added (or stored).</summary>
    public IEnumerable<string> Names => sections.Select(s => s.Key);

    /// <summary>Whether a section named <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => sections.Exists(s => s.Key == name);

    /// <summary>Adds a section with the bytes <paramref name="write"/> produces (it runs now).</summary>
    public CheckpointSections Add(string name, Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) write(writer);
        return Add(name, stream.ToArray());
    }

    /// <summary>Adds a section holding <paramref name="data"/>.</summary>
    public CheckpointSections Add(string name, byte[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes) throw new ArgumentException($"Section name longer than {MaxNameBytes} bytes.", nameof(name));
        if (Contains(name)) throw new ArgumentException($"Duplicate checkpoint section '{name}'.", nameof(name));
        sections.Add(new(name, data));
        return this;
    }

    /// <summary>Adds a section holding the state of <paramref name="generator"/> (torch <c>get_state</c>).</summary>
    public CheckpointSections AddGenerator(string name, Generator generator)
    {
        using var state = generator.get_state();
        return Add(name, state.data<byte>().ToArray());
    }

    /// <summary>The bytes of section <paramref name="name"/>.</summary>
    /// <exception cref="Errors.UsageException">No such section; the message lists the present ones.</exception>
    public byte[] Get(string name)
    {
        foreach (var s in sections)
            if (s.Key == name) return s.Value;
        throw new Errors.UsageException(
            $"The checkpoint has no section '{name}' (it has: {string.Join(", ", Names)}); it was written by another kind of run.");
    }

    /// <summary>A reader over section <paramref name="name"/>.</summary>
    public BinaryReader Open(string name) => new(new MemoryStream(Get(name), writable: false), Encoding.UTF8);

    /// <summary>Restores <paramref name="generator"/> from the section <paramref name="name"/> written by <see cref="AddGenerator"/>.</summary>
    public void RestoreGenerator(string name, Generator generator)
    {
        using var state = tensor(Get(name), dtype: ScalarType.Byte);
        try
        {
            generator.set_state(state);
        }
        catch (Exception e) when (e is ExternalException or ArgumentException)
        {
            throw new Errors.UsageException($"The checkpoint's generator state '{name}' does not fit this generator: {e.Message}", e);
        }
    }

    /// <summary>Serializes all sections: count, then (name, length, bytes) each.</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(sections.Count);
        foreach (var (name, data) in sections)
        {
            writer.Write(name);
            writer.Write((long)data.Length);
            writer.Write(data);
        }
    }

    /// <summary>The bytes <see cref="WriteTo"/> writes, e.g. to nest these sections inside another checkpoint's section.</summary>
    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) WriteTo(writer);
        return stream.ToArray();
    }

    /// <summary>Parses what <see cref="WriteTo"/> wrote, checking every count and length against the bytes present.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid section list.</exception>
    public static CheckpointSections ReadFrom(ReadOnlySpan<byte> payload)
    {
        var result = new CheckpointSections();
        var pos = 0;
        var count = ReadInt32(payload, ref pos);
        if (count < 0 || count > payload.Length) throw new InvalidDataException($"invalid section count {count}");
        for (var i = 0; i < count; i++)
        {
            var nameLength = Read7BitLength(payload, ref pos);
            if (nameLength < 1 || nameLength > MaxNameBytes || nameLength > payload.Length - pos)
                throw new InvalidDataException($"invalid name length {nameLength} of section {i}");
            var name = Encoding.UTF8.GetString(payload.Slice(pos, nameLength));
            pos += nameLength;
            if (payload.Length - pos < 8) throw new InvalidDataException($"section '{name}' is cut off");
            var length = BitConverter.ToInt64(payload.Slice(pos, 8));
            pos += 8;
            if (length < 0 || length > payload.Length - pos) throw new InvalidDataException($"section '{name}' claims {length} bytes, {payload.Length - pos} remain");
            if (result.Contains(name)) throw new InvalidDataException($"duplicate section '{name}'");
            result.sections.Add(new(name, payload.Slice(pos, (int)length).ToArray()));
            pos += (int)length;
        }
        if (pos != payload.Length) throw new InvalidDataException($"{payload.Length - pos} unexpected bytes after the last section");
        return result;
    }

    static int ReadInt32(ReadOnlySpan<byte> payload, ref int pos)
    {
        if (payload.Length - pos < 4) throw new InvalidDataException("payload is cut off");
        var v = BitConverter.ToInt32(payload.Slice(pos, 4));
        pos += 4;
        return v;
    }

    // BinaryWriter.Write(string) prefixes the UTF-8 length as a 7-bit encoded integer.
    static int Read7BitLength(ReadOnlySpan<byte> payload, ref int pos)
    {
        var value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (pos >= payload.Length) throw new InvalidDataException("payload is cut off");
            var b = payload[pos++];
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("invalid string length");
    }
}

using System.Buffers.Binary;
using System.Text;

namespace RLMix.Core.Tests.TensorBoard;

/// <summary>
/// An independent reader of TensorBoard event files for tests: TFRecord framing checked with a bitwise
/// CRC-32C (not the product's table), and a generic protobuf walk of each Event.
/// </summary>
public static class EventFileReader
{
    public sealed record Event(double WallTime, long Step, string? FileVersion, IReadOnlyList<(string Tag, float Value)> Scalars);

    public static List<Event> Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            var header = bytes.AsSpan(at, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8, 4)) != MaskedCrc(header)) throw new InvalidDataException($"bad length CRC at {at}");
            var payload = bytes.AsSpan(at + 12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length, 4)) != MaskedCrc(payload)) throw new InvalidDataException($"bad data CRC at {at}");
            events.Add(ParseEvent(payload.ToArray()));
            at += 16 + (int)length;
        }
        return events;
    }

    /// <summary>Bit-by-bit CRC-32C, masked as TensorFlow does.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) == 1 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
        }
        crc ^= 0xFFFFFFFF;
        return unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8);
    }

    static Event ParseEvent(byte[] data)
    {
        double wall = double.NaN;
        long step = 0;
        string? version = null;
        var scalars = new List<(string, float)>();
        foreach (var (field, value) in Fields(data))
            switch (field)
            {
                case 1: wall = BinaryPrimitives.ReadDoubleLittleEndian(value); break;
                case 2: step = (long)BinaryPrimitives.ReadUInt64LittleEndian(value); break;
                case 3: version = Encoding.UTF8.GetString(value); break;
                case 5:
                    foreach (var (f, v) in Fields(value))
                    {
                        if (f != 1) continue;
                        string tag = "";
                        float x = float.NaN;
                        foreach (var (g, w) in Fields(v))
                            if (g == 1) tag = Encoding.UTF8.GetString(w);
                            else if (g == 2) x = BinaryPrimitives.ReadSingleLittleEndian(w);
                        scalars.Add((tag, x));
                    }
                    break;
            }
        return new Event(wall, step, version, scalars);
    }

    /// <summary>(field number, raw value) pairs; varints come back as 8 little-endian bytes.</summary>
    static IEnumerable<(int Field, byte[] Value)> Fields(byte[] data)
    {
        int i = 0;
        while (i < data.Length)
        {
            ulong key = Varint(data, ref i);
            int field = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    var v = new byte[8];
                    BinaryPrimitives.WriteUInt64LittleEndian(v, Varint(data, ref i));
                    yield return (field, v);
                    break;
                case 1: yield return (field, data[i..(i + 8)]); i += 8; break;
                case 5: yield return (field, data[i..(i + 4)]); i += 4; break;
                case 2:
                    int n = (int)Varint(data, ref i);
                    yield return (field, data[i..(i + n)]);
                    i += n;
                    break;
                default: throw new InvalidDataException($"wire type {key & 7}");
            }
        }
    }

    static ulong Varint(byte[] data, ref int i)
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[i++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
    }
}

using System.Text;

namespace RLMix.TensorBoard;

/// <summary>
/// Encodes the few messages of TensorFlow's <c>event.proto</c>/<c>summary.proto</c> that scalars need, in
/// protobuf wire format: <c>Event { double wall_time = 1; int64 step = 2; string file_version = 3;
/// Summary summary = 5; }</c>, <c>Summary { repeated Value value = 1; }</c>,
/// <c>Value { string tag = 1; float simple_value = 2; }</c>.
/// </summary>
public static class EventProto
{
    /// <summary>The event that opens an event file (<c>file_version = "brain.Event:2"</c>).</summary>
    public static byte[] FileVersion(double wallTime) =>
        Event(wallTime, 0, w => WriteBytes(w, 3, Encoding.UTF8.GetBytes("brain.Event:2")));

    /// <summary>An event with one summary holding <paramref name="scalars"/> (tag, value) at <paramref name="step"/>.</summary>
    public static byte[] Scalars(double wallTime, long step, IEnumerable<KeyValuePair<string, double>> scalars) =>
        Event(wallTime, step, w =>
        {
            var summary = new MemoryStream();
            var f = new byte[4];
            foreach (var (tag, value) in scalars)
            {
                var v = new MemoryStream();
                WriteBytes(v, 1, Encoding.UTF8.GetBytes(tag));
                WriteKey(v, 2, 5);
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(f, (float)value);
                v.Write(f);
                WriteBytes(summary, 1, v.ToArray());
            }
            WriteBytes(w, 5, summary.ToArray());
        });

    static byte[] Event(double wallTime, long step, Action<MemoryStream> what)
    {
        var w = new MemoryStream();
        WriteKey(w, 1, 1);
        Span<byte> d = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(d, wallTime);
        w.Write(d);
        if (step != 0)
        {
            WriteKey(w, 2, 0);
            WriteVarint(w, (ulong)step);
        }
        what(w);
        return w.ToArray();
    }

    static void WriteKey(Stream s, int field, int wireType) => WriteVarint(s, (ulong)((field << 3) | wireType));

    static void WriteBytes(Stream s, int field, byte[] bytes)
    {
        WriteKey(s, field, 2);
        WriteVarint(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }
}

using System.Buffers.Binary;

namespace RLMix.TensorBoard;

/// <summary>
/// TFRecord framing, the container of TensorBoard event files: per record, the payload length (uint64
/// little-endian), the masked CRC-32C of those 8 bytes, the payload, the masked CRC-32C of the payload.
/// </summary>
public static class TfRecord
{
    /// <summary>Writes one record holding <paramref name="payload"/> to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(payload));
        stream.Write(header);
        stream.Write(payload);
        stream.Write(footer);
    }
}

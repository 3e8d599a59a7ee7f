using System.IO.Compression;
using RLMix.Errors;

namespace RLMix.Data;

/// <summary>
/// Opening and reading data files with bounded memory: every size a header claims is checked against
/// what the file really holds before a buffer of that size exists, and gzip streams are read with a cap.
/// Every I/O or decompression failure becomes a <see cref="DataException"/> naming the file.
/// </summary>
internal static class DataFile
{
    /// <summary>The largest payload any reader accepts: the largest byte array .NET can hold (about 2 GiB).</summary>
    public const long MaxPayloadBytes = 0x7FFFFFC7; // Array.MaxLength

    /// <summary>First chunk of a gzip read; it doubles up to the expected size, so a lying header cannot make us allocate more than the data really decompresses to.</summary>
    private const int FirstChunkBytes = 1 << 20;

    /// <summary>The error for a bad data file: the path, what is wrong, and how to get good data.</summary>
    public static DataException Fail(string source, string problem, string howToGet, Exception? inner = null) =>
        new($"{source}: {problem}. {howToGet}".TrimEnd(), inner);

    /// <summary>Opens a file for reading, or throws a <see cref="DataException"/> that says it is missing or unreadable.</summary>
    public static FileStream Open(string path, string howToGet)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail(path, "file not found", howToGet, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Fail(path, $"cannot open the file ({e.Message})", howToGet, e);
        }
    }

    /// <summary>Whether the stream starts with the gzip magic bytes 1f 8b; the position is left unchanged.</summary>
    public static bool IsGzip(Stream stream)
    {
        if (!stream.CanSeek)
            throw new ArgumentException("The stream must be seekable.", nameof(stream));
        long start = stream.Position;
        int b0 = stream.ReadByte();
        int b1 = b0 < 0 ? -1 : stream.ReadByte();
        stream.Position = start;
        return b0 == 0x1f && b1 == 0x8b;
    }

    /// <summary>
    /// Reads exactly <paramref name="count"/> header bytes, or throws "truncated".
    /// </summary>
    public static byte[] ReadHeader(Stream stream, int count, string source, string howToGet)
    {
        var buffer = new byte[count];
        int filled = Fill(stream, buffer, 0, count, source, howToGet);
        if (filled < count)
            throw Fail(source, $"file is truncated: it ends inside the header ({filled} of {count} header bytes)", howToGet);
        return buffer;
    }

    /// <summary>
    /// Reads a payload of exactly <paramref name="expected"/> bytes that must end the stream.
    /// <paramref name="knownRemaining"/> is the number of bytes left in an uncompressed stream (then the
    /// check happens before allocating); null for a gzip stream (then the buffer grows with the data
    /// actually decompressed, never past <paramref name="expected"/>).
    /// </summary>
    public static byte[] ReadPayload(Stream stream, long expected, long? knownRemaining, string source, string howToGet)
    {
        if (expected > MaxPayloadBytes)
            throw Fail(source, $"header claims {expected:N0} data bytes, more than the {MaxPayloadBytes:N0} any data file may hold; the header is corrupt", howToGet);
        if (knownRemaining is long remaining)
        {
            if (remaining < expected)
                throw Fail(source, $"file is truncated: the header needs {expected:N0} data bytes, the file has {remaining:N0}", howToGet);
            if (remaining > expected)
                throw Fail(source, $"file is longer than its header says: {remaining:N0} data bytes, expected {expected:N0}", howToGet);
        }

        var buffer = new byte[knownRemaining is null ? Math.Min(expected, FirstChunkBytes) : expected];
        long filled = 0;
        while (filled < expected)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(expected, 2L * buffer.Length));
            int n = Fill(stream, buffer, (int)filled, buffer.Length - (int)filled, source, howToGet);
            filled += n;
            if (filled < buffer.Length)
                break; // end of stream
        }
        if (filled < expected)
            throw Fail(source, $"file is truncated: the header needs {expected:N0} data bytes, the (decompressed) file has {filled:N0}", howToGet);
        if (knownRemaining is null && Fill(stream, new byte[1], 0, 1, source, howToGet) > 0)
            throw Fail(source, $"file is longer than its header says: more than the expected {expected:N0} data bytes", howToGet);
        return buffer;
    }

    /// <summary>Opens the decompressed view of a seekable stream: a gzip reader when it starts with 1f 8b, else the stream itself.</summary>
    public static (Stream Payload, long? KnownLength) Decompressed(Stream stream)
    {
        if (IsGzip(stream))
            return (new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true), null);
        return (stream, stream.Length - stream.Position);
    }

    /// <summary>Reads until <paramref name="count"/> bytes or the end of the stream; returns the bytes read.</summary>
    private static int Fill(Stream stream, byte[] buffer, int offset, int count, string source, string howToGet)
    {
        try
        {
            return stream.ReadAtLeast(buffer.AsSpan(offset, count), count, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Fail(source, $"corrupt gzip data ({e.Message})", howToGet, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw Fail(source, $"read error ({e.Message})", howToGet, e);
        }
    }
}

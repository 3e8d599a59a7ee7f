using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace RLMix.Training;

/// <summary>
/// Checkpoint files that survive interruption: written atomically (temporary file, flush to disk,
/// rename), the previous checkpoint kept as <see cref="PreviousFileName"/>, and a header with magic,
/// format version, payload length and SHA-256, so that a truncated or corrupt file is detected on load.
/// </summary>
/// <remarks>
/// Layout: 8-byte magic <c>RLMIXCKP</c>, int32 format version, int64 payload length, 32-byte SHA-256
/// of the payload, then the payload (<see cref="CheckpointSections.WriteTo"/>). Integers are little-endian.
/// </remarks>
public static class CheckpointFile
{
    /// <summary>The latest checkpoint's file name inside a run directory.</summary>
    public const string FileName = "checkpoint.bin";

    /// <summary>The previous checkpoint's file name inside a run directory.</summary>
    public const string PreviousFileName = "checkpoint.prev.bin";

    /// <summary>The current format version.</summary>
    public const int FormatVersion = 1;

    const int HeaderSize = 8 + 4 + 8 + 32;
    static readonly byte[] Magic = "RLMIXCKP"u8.ToArray();

    /// <summary>
    /// Writes <paramref name="sections"/> as the latest checkpoint in <paramref name="directory"/>; the
    /// checkpoint it replaces becomes <see cref="PreviousFileName"/>. At every moment the directory holds
    /// a complete latest checkpoint (the rename is atomic), except before the very first one.
    /// </summary>
    public static void Save(string directory, CheckpointSections sections)
    {
        lock (SaveLock) SaveLocked(directory, sections);
    }

    /// <summary>
    /// Held while a checkpoint is written. A process that must exit at once (the CLI's grace period
    /// after SIGTERM) takes it first, so it never leaves a half-written temporary file behind.
    /// </summary>
    public static object SaveLock { get; } = new();

    static void SaveLocked(string directory, CheckpointSections sections)
    {
        Directory.CreateDirectory(directory);
        var latest = Path.Combine(directory, FileName);
        var previous = Path.Combine(directory, PreviousFileName);
        try
        {
            IO.AtomicFile.Write(latest, stream => Write(stream, sections), keepPreviousAs: previous);
        }
        catch (IOException e)
        {
            // A full disk: AtomicFile leaves no partial file behind; the latest checkpoint is untouched.
            throw new IOException($"Cannot write a checkpoint to {Errors.Echo.Of(directory, 200)} ({e.Message}). The previous checkpoint is unchanged; free space and run again with --resume.", e);
        }
    }

    /// <summary>Writes a checkpoint file at <paramref name="path"/> (not atomic by itself; <see cref="Save"/> is).</summary>
    public static void Write(string path, CheckpointSections sections)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(file, sections);
        file.Flush(flushToDisk: true);
    }

    /// <summary>Writes the checkpoint format (header with SHA-256, then the payload) to <paramref name="stream"/>, for files written through <see cref="IO.AtomicFile"/>.</summary>
    public static void Write(Stream stream, CheckpointSections sections)
    {
        using var payload = new MemoryStream();
        using (var writer = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true)) sections.WriteTo(writer);
        var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length);

        Span<byte> header = stackalloc byte[HeaderSize];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], bytes.Length);
        SHA256.HashData(bytes, header[20..]);

        stream.Write(header);
        stream.Write(bytes);
    }

    /// <summary>Reads and verifies the checkpoint file at <paramref name="path"/>.</summary>
    /// <exception cref="Errors.DataException">The file is missing, truncated, corrupt or of another format; the message names the path.</exception>
    public static CheckpointSections Read(string path)
    {
        byte[] data;
        try
        {
            data = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new Errors.DataException($"Checkpoint {path} does not exist.", e);
        }
        catch (IOException e)
        {
            throw new Errors.DataException($"Checkpoint {path} cannot be read: {e.Message}", e);
        }
        return Parse(data, path);
    }

    /// <summary>Verifies and parses the bytes of a checkpoint file; <paramref name="path"/> is only used in messages.</summary>
    /// <exception cref="Errors.DataException">The bytes are truncated, corrupt or of another format.</exception>
    public static CheckpointSections Parse(ReadOnlySpan<byte> data, string path)
    {
        if (data.Length < HeaderSize)
            throw Corrupt(path, $"it is {data.Length} bytes long, shorter than the {HeaderSize}-byte header (truncated)");
        if (!data[..8].SequenceEqual(Magic))
            throw Corrupt(path, "it does not start with the RLMix checkpoint magic RLMIXCKP (not a checkpoint)");
        var version = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
        if (version != FormatVersion)
            throw Corrupt(path, $"its format version is {version}; this RLMix reads version {FormatVersion}");
        var length = BinaryPrimitives.ReadInt64LittleEndian(data[12..]);
        if (length != data.Length - HeaderSize)
            throw Corrupt(path, $"the header announces {length} payload bytes but {data.Length - HeaderSize} are present (truncated or appended to)");
        var payload = data[HeaderSize..];
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(payload, hash);
        if (!hash.SequenceEqual(data.Slice(20, 32)))
            throw Corrupt(path, "its SHA-256 checksum does not match its content (the file is corrupt)");
        try
        {
            return CheckpointSections.ReadFrom(payload);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(path, $"its payload is malformed ({e.Message})");
        }
    }

    /// <summary>
    /// Loads the latest good checkpoint of <paramref name="directory"/>: <see cref="FileName"/>, or, when that
    /// is missing or damaged, <see cref="PreviousFileName"/> (then <see cref="CheckpointLoad.UsedPrevious"/> is
    /// true and <see cref="CheckpointLoad.Problem"/> says what was wrong, for the caller to report).
    /// Returns null when the directory holds no checkpoint at all.
    /// </summary>
    /// <exception cref="Errors.DataException">Checkpoints exist but none is usable; the message names each path and its problem.</exception>
    public static CheckpointLoad? TryLoadLatest(string directory)
    {
        var latest = Path.Combine(directory, FileName);
        var previous = Path.Combine(directory, PreviousFileName);
        if (!File.Exists(latest) && !File.Exists(previous)) return null;

        string problem;
        try
        {
            return new CheckpointLoad(latest, Read(latest), UsedPrevious: false, Problem: null);
        }
        catch (Errors.DataException e)
        {
            problem = e.Message;
        }
        if (!File.Exists(previous))
            throw new Errors.DataException($"{problem} There is no previous checkpoint {previous} to fall back to; start the run again without --resume (use --overwrite).");
        try
        {
            return new CheckpointLoad(previous, Read(previous), UsedPrevious: true, Problem: problem);
        }
        catch (Errors.DataException e)
        {
            throw new Errors.DataException($"{problem} The previous checkpoint is not usable either: {e.Message} Start the run again without --resume (use --overwrite).", e);
        }
    }

    static Errors.DataException Corrupt(string path, string why) => new($"Checkpoint {path} is unusable: {why}.");
}

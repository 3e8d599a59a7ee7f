using System.Text.Json;
using RLMix.Errors;

namespace RLMix.IO;

/// <summary>
/// One writer per directory: an exclusive advisory lock on <see cref="FileName"/> inside a run or comparison
/// directory, held until <see cref="Dispose"/>. The lock is the operating system's (a <see cref="FileStream"/>
/// opened with <see cref="FileShare.None"/>: <c>flock</c> on Unix), so a process that is killed releases it
/// with its file handles. Who holds it (host, pid, Slurm job) is written to <see cref="HolderFileName"/>
/// beside it, for the message a second writer gets; a holder file found by a process that got the lock is
/// the trace of a holder that ended without releasing (<see cref="StaleHolder"/>).
/// </summary>
/// <remarks>
/// The lock file itself is never deleted: deleting it on release would let a process that opened the old
/// file and one that creates a new one both "hold" the lock. Readers on .NET cannot read a file another
/// process has locked (they take a shared lock), hence the separate holder file.
/// </remarks>
public sealed class DirectoryLock : IDisposable
{
    /// <summary>The lock file's name inside the locked directory.</summary>
    public const string FileName = ".rlmix.lock";

    /// <summary>The name of the file beside the lock that says who holds it.</summary>
    public const string HolderFileName = ".rlmix.lock.holder";

    // EWOULDBLOCK from flock on Linux, ERROR_SHARING_VIOLATION / ERROR_LOCK_VIOLATION on Windows.
    static readonly int[] InUseCodes = [11, 35, unchecked((int)0x80070020), unchecked((int)0x80070021)];

    readonly FileStream stream;
    bool disposed;

    DirectoryLock(string directory, FileStream stream, LockHolder? stale)
    {
        Directory = directory;
        this.stream = stream;
        StaleHolder = stale;
    }

    /// <summary>The locked directory.</summary>
    public string Directory { get; }

    /// <summary>A previous holder that ended without releasing the lock (killed, or its machine went down); null if none.</summary>
    public LockHolder? StaleHolder { get; }

    /// <summary>Whether <paramref name="name"/> (a file name inside a directory) belongs to the lock.</summary>
    public static bool IsLockFile(string name) => name is FileName or HolderFileName;

    /// <summary>
    /// Takes the lock on the existing directory <paramref name="directory"/>, or throws naming the holder.
    /// <paramref name="what"/> names the directory in messages (e.g. "run directory").
    /// </summary>
    /// <exception cref="UsageException">Another process (or another writer in this one) holds the lock; the message names it.</exception>
    public static DirectoryLock Acquire(string directory, string what = "directory")
    {
        var path = Path.Combine(directory, FileName);
        var holderPath = Path.Combine(directory, HolderFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (InUseCodes.Contains(e.HResult))
        {
            var holder = ReadHolder(holderPath);
            throw new UsageException(
                $"The {what} '{directory}' is in use by another rlmix process ({holder?.ToString() ?? "holder unknown: it is starting or its record is gone"}); "
                + "one directory takes one writer at a time. Wait for that process to finish or stop it (a stopped or killed process releases the lock), "
                + "or choose another directory.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot lock the {what} '{directory}': {e.Message} Check that the directory is writable.", e);
        }
        try
        {
            var stale = ReadHolder(holderPath);
            var me = LockHolder.Current();
            var json = JsonSerializer.Serialize(me, Configuration.ConfigFile.JsonOptions);
            AtomicFile.WriteAllText(holderPath, json);
            // The same record in the lock file, for a person who runs cat on it.
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.UTF8.GetBytes(json));
            stream.Flush();
            return new DirectoryLock(directory, stream, stale);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw new UsageException($"Cannot lock the {what} '{directory}': {e.Message} Check that the directory is writable.", e);
        }
    }

    /// <summary>
    /// Like <see cref="Acquire(string, string)"/>, but while another process (or writer) holds the lock, waits for it,
    /// polling, for up to <paramref name="wait"/>; then throws as <see cref="Acquire(string, string)"/> does.
    /// </summary>
    /// <exception cref="UsageException">The lock was still held after <paramref name="wait"/>, or the directory cannot be locked.</exception>
    public static DirectoryLock Acquire(string directory, string what, TimeSpan wait)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return Acquire(directory, what);
            }
            catch (UsageException e) when (e.InnerException is IOException io && InUseCodes.Contains(io.HResult) && clock.Elapsed < wait)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(250));
            }
        }
    }

    /// <summary>
    /// Who holds, or last held without releasing, the lock of <paramref name="directory"/>, from its holder record;
    /// null when there is none. Reading it takes no lock, so it cannot tell a running holder from a killed one.
    /// </summary>
    public static LockHolder? RecordedHolder(string directory) => ReadHolder(Path.Combine(directory, HolderFileName));

    /// <summary>
    /// Deletes everything in the locked directory except the lock, so that the holder can start it afresh
    /// without another writer slipping in between.
    /// </summary>
    public void DeleteContents()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var dir = new DirectoryInfo(Directory);
        foreach (var entry in dir.EnumerateFileSystemInfos())
        {
            if (IsLockFile(entry.Name)) continue;
            if (entry is DirectoryInfo sub && sub.LinkTarget is null) sub.Delete(recursive: true);
            else entry.Delete();
        }
    }

    /// <summary>Releases the lock: removes the holder record and closes the locked file.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        try
        {
            File.Delete(Path.Combine(Directory, HolderFileName));
            stream.SetLength(0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The directory was removed or became read-only; closing the handle still releases the lock.
        }
        stream.Dispose();
    }

    static LockHolder? ReadHolder(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<LockHolder>(File.ReadAllText(path), Configuration.ConfigFile.JsonOptions) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}

/// <summary>The process that holds (or held) a <see cref="DirectoryLock"/>.</summary>
/// <param name="Host">Machine name.</param>
/// <param name="Pid">Process id on that machine.</param>
/// <param name="SlurmJobId">SLURM_JOB_ID (with SLURM_ARRAY_TASK_ID, if any) when it ran under Slurm.</param>
/// <param name="Since">When it took the lock (UTC).</param>
public sealed record LockHolder(string Host, int Pid, string? SlurmJobId, DateTimeOffset Since)
{
    /// <summary>This process.</summary>
    public static LockHolder Current()
    {
        var job = Environment.GetEnvironmentVariable("SLURM_JOB_ID");
        var task = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID");
        if (job != null && task != null) job += $" task {task}";
        return new LockHolder(Environment.MachineName, Environment.ProcessId, job, DateTimeOffset.UtcNow);
    }

    /// <summary>E.g. <c>host node1, pid 4242, Slurm job 77, since 2026-11-30 05:00:00Z</c>.</summary>
    public override string ToString() =>
        $"host {Host}, pid {Pid}{(SlurmJobId is null ? "" : $", Slurm job {SlurmJobId}")}, since {Since.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z";
}

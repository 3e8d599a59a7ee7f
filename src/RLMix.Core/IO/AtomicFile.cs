using System.Text;

namespace RLMix.IO;

/// <summary>Writes files so that readers see either the old or the complete new content, never a partial one.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllText(string path, string text) => Write(path, s => s.Write(Encoding.UTF8.GetBytes(text)));

    /// <summary>Writes <paramref name="bytes"/> to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>Writes through <paramref name="write"/> to a temporary file, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    /// <param name="keepPreviousAs">When given and <paramref name="path"/> exists, its old content is kept under this name (same directory), in the same atomic replace.</param>
    public static void Write(string path, Action<Stream> write, string? keepPreviousAs = null)
    {
        string full = Path.GetFullPath(path);
        string tmp = full + ".tmp";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(fs);
                fs.Flush(flushToDisk: true);
            }
            CrashPoint.Reach("write:" + Path.GetFileName(full));
            if (keepPreviousAs is not null && File.Exists(full))
                File.Replace(tmp, full, Path.GetFullPath(keepPreviousAs)); // on Unix: hard-link the old file to the backup, then rename tmp over it
            else
                File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }
}

using System.Text;
using RLMix.Errors;

namespace RLMix.IO;

/// <summary>
/// Checks an output directory path (<c>--out</c>) before anything is written, so that an empty path, a path
/// that is a file, lies below a file, is a dangling symbolic link or has a name too long for the file
/// system is a clear usage error rather than an exception halfway through a run.
/// </summary>
public static class OutputDirectory
{
    /// <summary>The longest file name (one path component) Linux file systems accept, in bytes.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>The longest path Linux accepts, in bytes.</summary>
    public const int MaxPathBytes = 4095;

    /// <summary>Throws <see cref="UsageException"/> naming <paramref name="option"/> and the problem if <paramref name="path"/> cannot be (or be used as) a directory.</summary>
    public static void Check(string? path, string option = "--out")
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new UsageException($"{option} is empty; give a directory path (e.g. {option} runs/my-run).");
        string shown = SafeName.Cut(path);
        if (path.Any(char.IsControl))
            throw new UsageException($"{option} '{shown}' contains a control character; give a plain directory path.");
        string full = Path.GetFullPath(path);
        if (Encoding.UTF8.GetByteCount(full) > MaxPathBytes)
            throw new UsageException($"{option} '{shown}' is too long: {Encoding.UTF8.GetByteCount(full)} bytes as a full path, the limit is {MaxPathBytes}.");
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        foreach (var part in parts)
            if (Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
                throw new UsageException($"{option} '{shown}': the name '{SafeName.Cut(part, 40)}' is {Encoding.UTF8.GetByteCount(part)} bytes long; file systems allow at most {MaxNameBytes} per name. Choose a shorter directory name.");

        // Walk down from the root: every existing prefix must be a directory (or a link to one).
        string prefix = Path.GetPathRoot(full) ?? Path.DirectorySeparatorChar.ToString();
        // Name prefixes the way the user wrote the path: relative to the working directory if it was relative.
        string As(string p) => Path.IsPathRooted(path) ? p : Path.GetRelativePath(Environment.CurrentDirectory, p);
        for (int i = 0; i < parts.Length; i++)
        {
            prefix = Path.Combine(prefix, parts[i]);
            bool isTarget = i == parts.Length - 1;
            if (Directory.Exists(prefix)) continue;
            if (new FileInfo(prefix).LinkTarget is { } target && !LinkResolves(prefix))
                throw new UsageException($"{option} '{shown}': '{As(prefix)}' is a symbolic link to '{target}', which does not exist. Create the target directory or choose another path.");
            if (File.Exists(prefix))
                throw new UsageException(isTarget
                    ? $"{option} '{shown}' is an existing file, not a directory. Choose a directory path."
                    : $"{option} '{shown}': '{As(prefix)}' is a file, so no directory can be created below it. Choose another path.");
            return; // the rest does not exist yet and will be created
        }
    }

    static bool LinkResolves(string link)
    {
        try { return new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true)?.Exists == true; }
        catch (IOException) { return false; } // a loop of links
    }

    /// <summary>Checks <paramref name="path"/> (see <see cref="Check"/>) and creates the directory.</summary>
    /// <exception cref="UsageException">The path is unusable or the directory cannot be created (e.g. no permission); the message names it.</exception>
    public static void Create(string path, string option = "--out")
    {
        Check(path, option);
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option} '{SafeName.Cut(path)}': the directory cannot be created ({e.Message}).", e);
        }
    }
}

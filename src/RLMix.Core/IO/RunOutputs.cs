namespace RLMix.IO;

/// <summary>Removes an earlier run's outputs from a directory before <c>--overwrite</c> writes a new run there.</summary>
public static class RunOutputs
{
    /// <summary>
    /// Deletes each of <paramref name="names"/> (files, or directories with their contents such as
    /// TensorBoard's <c>tb/</c>) inside <paramref name="directory"/>; missing ones are skipped.
    /// Append-mode outputs (log.txt, event files) would otherwise mix the old run's lines into the new run's.
    /// </summary>
    public static void Delete(string directory, params string[] names)
    {
        if (!Directory.Exists(directory)) return;
        foreach (var name in names)
        {
            var path = Path.Combine(directory, name);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
    }
}

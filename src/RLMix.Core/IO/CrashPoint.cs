using System.Diagnostics;

namespace RLMix.IO;

/// <summary>
/// A seam for crash tests: with the environment variable <c>RLMIX_CRASH_AT=NAME:N</c> the process kills
/// itself (SIGKILL, as <c>kill -9</c>) the N-th time it reaches the point NAME, so that a test can stop
/// the real binary at an exact place (e.g. <c>write:agent.rlmix:1</c>, after the temporary file is written
/// and before it is renamed). Without the variable a point costs one comparison.
/// </summary>
public static class CrashPoint
{
    const string Variable = "RLMIX_CRASH_AT";
    static readonly (string Name, int Count)? target = Parse(Environment.GetEnvironmentVariable(Variable));
    static int reached;

    /// <summary>Marks the point <paramref name="name"/>; kills the process when it is the configured N-th arrival.</summary>
    public static void Reach(string name)
    {
        if (target is not { } t || t.Name != name) return;
        if (Interlocked.Increment(ref reached) != t.Count) return;
        Console.Error.WriteLine($"{Variable}: killing the process at {name} (arrival {t.Count}).");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
        Thread.Sleep(Timeout.Infinite);
    }

    static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        int colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var n) && n >= 1 ? (value[..colon], n) : null;
    }
}

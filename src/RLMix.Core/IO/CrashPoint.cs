using System.Diagnostics;

namespace RLMix.IO;

/// <summary>
/// A seam for crash tests: with the environment variable <c>RLMIX_CRASH_AT=NAME:N</c> the process kills
/// itself (SIGKILL, as <c>kill -9</c>) the N-th time it reaches the point NAME, so that a test can stop
/// the real binary at an exact place (e.g. <c>write:agent.rlmix:1</c>, after the temporary file is written
/// and before it is renamed). With <c>RLMIX_HOLD_AT=NAME:N</c> it instead says so on standard error and
/// waits there until its run is cancelled (SIGTERM), so that a signal lands at an exact place however
/// slowly the test delivers it. Without the variables a point costs two comparisons.
/// </summary>
public static class CrashPoint
{
    const string Variable = "RLMIX_CRASH_AT";
    const string HoldVariable = "RLMIX_HOLD_AT";
    static readonly (string Name, int Count)? target = Parse(Environment.GetEnvironmentVariable(Variable));
    static readonly (string Name, int Count)? holdTarget = Parse(Environment.GetEnvironmentVariable(HoldVariable));
    static int reached, held;

    /// <summary>
    /// Marks the point <paramref name="name"/>: kills the process when it is the configured N-th arrival of
    /// <c>RLMIX_CRASH_AT</c>, or holds it until <paramref name="cancel"/> fires (at most 10 minutes) when it is
    /// that of <c>RLMIX_HOLD_AT</c>.
    /// </summary>
    public static void Reach(string name, CancellationToken cancel = default)
    {
        if (IsArrival(target, name, ref reached))
        {
            Console.Error.WriteLine($"{Variable}: killing the process at {name} (arrival {target!.Value.Count}).");
            Console.Error.Flush();
            Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
        if (IsArrival(holdTarget, name, ref held))
        {
            Console.Error.WriteLine($"{HoldVariable}: holding at {name} (arrival {holdTarget!.Value.Count}) until the run is cancelled.");
            Console.Error.Flush();
            cancel.WaitHandle.WaitOne(TimeSpan.FromMinutes(10));
        }
    }

    static bool IsArrival((string Name, int Count)? point, string name, ref int arrivals) =>
        point is { } p && p.Name == name && Interlocked.Increment(ref arrivals) == p.Count;

    static (string, int)? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        int colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out var n) && n >= 1 ? (value[..colon], n) : null;
    }
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace RLMix.Benchmarks;

/// <summary>
/// CPU clocks for a shared machine: the calling thread's CPU time, the whole process's (every thread, so a
/// spinning OpenMP worker or a thread-pool worker counts), and per-thread CPU time of every thread of the
/// process from <c>/proc/self/task/*/schedstat</c> (nanoseconds), grouped by what the thread is.
/// </summary>
static class ThreadAccounting
{
    [StructLayout(LayoutKind.Sequential)]
    struct Timespec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGettime(int clock, out Timespec time);

    static double Ms(int clock) => ClockGettime(clock, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds / 1e6 : double.NaN;

    /// <summary>CLOCK_THREAD_CPUTIME_ID: CPU time of the calling thread only.</summary>
    public static double ThreadCpuMs() => Ms(3);

    /// <summary>CLOCK_PROCESS_CPUTIME_ID: CPU time of all the process's threads together.</summary>
    public static double ProcessCpuMs() => Ms(2);

    /// <summary>Minor page faults of the whole process so far (<c>/proc/self/stat</c>, field 10): first touches of memory the allocator got fresh from the kernel.</summary>
    public static long MinorFaults()
    {
        if (!File.Exists("/proc/self/stat")) return 0;
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[7], CultureInfo.InvariantCulture); // fields from 3 (state) on: minflt is field 10
    }

    /// <summary>The groups <see cref="Snapshot"/> sums into, in its array's order.</summary>
    public static readonly string[] Groups = ["main", "omp", "pool", "gc", "other"];

    static readonly int Pid = Environment.ProcessId;
    static readonly string MainName = Comm(Pid) ?? "";

    static string? Comm(int tid)
    {
        try { return File.ReadAllText($"/proc/self/task/{tid}/comm").Trim(); }
        catch (IOException) { return null; }
    }

    /// <summary>
    /// CPU ms of every thread so far, summed by group: <c>main</c> (the process's first thread, which runs the
    /// benchmark and every torch op's share of the calling thread), <c>omp</c> (other threads with the main
    /// thread's name: libgomp's workers, created by the main thread's first parallel region, inherit it),
    /// <c>pool</c> (.NET thread-pool workers), <c>gc</c> (.NET GC threads), <c>other</c> (the rest: tiered JIT,
    /// finalizer, ...). A thread that ended between two snapshots drops out (its time is then lost, not moved).
    /// </summary>
    public static double[] Snapshot()
    {
        var sums = new double[Groups.Length];
        foreach (var (tid, name, ms) in Tasks()) sums[Group(tid, name)] += ms;
        return sums;
    }

    /// <summary>Every thread of the process now: id, name and CPU ms so far (a thread that ends while being read is left out).</summary>
    static IEnumerable<(int Tid, string Name, double Ms)> Tasks()
    {
        if (!Directory.Exists("/proc/self/task")) yield break;
        foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var tid)) continue;
            string stat, name;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "schedstat"));
                name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
            }
            catch (IOException) { continue; }
            yield return (tid, name, double.Parse(stat.Split(' ')[0], CultureInfo.InvariantCulture) / 1e6);
        }
    }

    static int Group(int tid, string name) =>
        tid == Pid ? 0
        : name == MainName ? 1
        : name.StartsWith(".NET TP", StringComparison.Ordinal) ? 2
        : name.Contains("GC", StringComparison.Ordinal) ? 3
        : 4;

    /// <summary>Every thread's name and CPU ms so far, one line each (to check the grouping).</summary>
    public static IEnumerable<string> Threads() =>
        Tasks().Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Tid} '{t.Name}' {Groups[Group(t.Tid, t.Name)]} {t.Ms:F0} ms"));
}

namespace RLMix.Benchmarks;

/// <summary>What the hand-rolled round benchmarks (<c>layout</c>, <c>layout-masks</c>, <c>comixup</c>) share: options, medians, the load.</summary>
static class RoundsCommand
{
    /// <summary>The value after <paramref name="name"/> in <paramref name="args"/>, else <paramref name="fallback"/>.</summary>
    public static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    /// <summary>The 1-, 5- and 15-minute load averages, printed beside every measurement (these machines are shared).</summary>
    public static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

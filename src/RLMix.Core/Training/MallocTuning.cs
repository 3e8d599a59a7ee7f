using System.Runtime.InteropServices;

namespace RLMix.Training;

/// <summary>
/// Keeps glibc's malloc from handing freed tensor memory back to the kernel between training steps.
/// </summary>
/// <remarks>
/// libtorch's CPU tensors come from malloc. With glibc's adaptive thresholds, memory freed at the end of a step is
/// often handed back to the kernel and faulted in again, zero-filled, in the next one: on a 2-core machine, 0 to
/// 5,500 minor page faults per vanilla step and up to 12,000 per Co-Mixup step, varying from process to process.
/// Fixed thresholds (mmap at glibc's 32 MiB maximum, trim at 1 GiB) keep that memory in the process: 2-9 and
/// 19-187 faults per step, the same results (libtorch aligns its tensors itself) and a resident size 4-5%
/// larger at the end of an epoch (speed.md, "Round 7", has the timings). <c>rlmix</c> applies it at start;
/// a program using RLMix as a library can call <see cref="Apply"/> before its first tensor.
/// </remarks>
public static class MallocTuning
{
    /// <summary>glibc's largest allowed M_MMAP_THRESHOLD on 64-bit: blocks below it come from the heap, not from mmap.</summary>
    public const int MmapThresholdBytes = 32 << 20;

    /// <summary>Free memory at the heap's top that glibc keeps before trimming it.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    /// <summary>Set to <c>off</c> to keep glibc's adaptive defaults.</summary>
    public const string OptOutVariable = "RLMIX_MALLOC_TUNING";

    /// <summary>glibc's own malloc variables: when the environment sets any of them, <see cref="Apply"/> leaves malloc alone.</summary>
    public static readonly IReadOnlyList<string> UserVariables = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_"];

    const int MTrimThreshold = -1, MMmapThreshold = -3; // malloc.h

    /// <summary>What the last <see cref="Apply"/> did, for logs and the bench JSON; "not applied" before it.</summary>
    public static string State { get; private set; } = "not applied";

    /// <summary>
    /// Sets both thresholds with mallopt unless <see cref="SkipReason"/> gives a reason not to; returns and records
    /// <see cref="State"/>. Safe to call more than once and off glibc (it then does nothing).
    /// </summary>
    public static string Apply()
    {
        if (SkipReason(OperatingSystem.IsLinux(), Environment.GetEnvironmentVariable) is { } reason) return State = reason;
        try
        {
            int mmap = mallopt(MMmapThreshold, MmapThresholdBytes), trim = mallopt(MTrimThreshold, TrimThresholdBytes);
            return State = mmap == 1 && trim == 1
                ? $"mmap_threshold={MmapThresholdBytes} trim_threshold={TrimThresholdBytes} (set by RLMix; {OptOutVariable}=off keeps glibc's defaults)"
                : $"mallopt refused a threshold (mmap_threshold: {(mmap == 1 ? "set" : "refused")}, trim_threshold: {(trim == 1 ? "set" : "refused")})";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return State = "allocator defaults (no mallopt in this C library)";
        }
    }

    /// <summary>
    /// Why not to touch malloc here, or null: not Linux, opted out with <see cref="OptOutVariable"/>, or the user's
    /// own malloc settings in the environment (GLIBC_TUNABLES' glibc.malloc.*, MALLOC_*_ variables), which win.
    /// </summary>
    public static string? SkipReason(bool isLinux, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!isLinux) return "allocator defaults (not Linux)";
        if (string.Equals(environment(OptOutVariable), "off", StringComparison.OrdinalIgnoreCase))
            return $"glibc defaults ({OptOutVariable}=off)";
        if (environment("GLIBC_TUNABLES") is { } tunables && tunables.Contains("glibc.malloc.", StringComparison.Ordinal))
            return $"the environment's GLIBC_TUNABLES={tunables}";
        foreach (var name in UserVariables)
            if (environment(name) is { } value) return $"the environment's {name}={value}";
        return null;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int mallopt(int param, int value);
}

using System.Reflection;
using RLMix.Training;
using TorchSharp;

namespace RLMix.Experiments.Benchmarks;

/// <summary>What the machine and build were while a benchmark ran (recorded in the bench JSON).</summary>
/// <param name="BuildConfiguration">Debug or Release (the RLMix.Core assembly's build configuration).</param>
/// <param name="TorchThreads">libtorch intra-op threads.</param>
/// <param name="ProcessorCount">Logical processors the process may use.</param>
/// <param name="CpuModel">CPU model name (/proc/cpuinfo), or "unknown".</param>
/// <param name="LoadAverageStart">1-, 5- and 15-minute load averages (/proc/loadavg) at the start; null where not available.</param>
/// <param name="LoadAverageEnd">The same at the end.</param>
/// <param name="Malloc">glibc malloc's settings (<see cref="MallocTuning.State"/>): they change step times.</param>
public sealed record MachineInfo(string BuildConfiguration, int TorchThreads, int ProcessorCount, string CpuModel,
    double[]? LoadAverageStart, double[]? LoadAverageEnd, string Malloc)
{
    /// <summary>Reads everything but the end load average.</summary>
    public static MachineInfo Capture() =>
        new(AssemblyConfiguration(), torch.get_num_threads(), Environment.ProcessorCount, ReadCpuModel(), LoadAverage(), null, MallocTuning.State);

    /// <summary>The build configuration of RLMix.Core ("Debug", "Release", ...).</summary>
    public static string AssemblyConfiguration() =>
        typeof(MachineInfo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } c ? c : "unknown";

    /// <summary>The 1-, 5- and 15-minute load averages, or null off Linux.</summary>
    public static double[]? LoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Take(3).Select(f => double.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    static string ReadCpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? "unknown";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}

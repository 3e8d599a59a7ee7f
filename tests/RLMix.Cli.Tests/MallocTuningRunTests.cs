using System.Text.Json;
using RLMix.Training;

namespace RLMix.Cli.Tests;

/// <summary><c>rlmix</c> sets glibc malloc's thresholds at start, and that changes no result.</summary>
public sealed class MallocTuningRunTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-malloc-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    (string Output, string Dir) Train(string name, bool optOut)
    {
        // Co-Mixup: the method whose steps faulted most with glibc's defaults.
        var psi = RlmixProcess.StartInfo(dir, "train", "--method", "comixup", "--dataset", "synthetic", "--limit-train", "200",
            "--limit-test", "50", "--batch-size", "50", "--epochs", "2", "--verbose", "--out", name);
        // Malloc settings of the machine's own would make rlmix leave malloc alone in both runs.
        foreach (var variable in MallocTuning.UserVariables.Append("GLIBC_TUNABLES")) psi.Environment.Remove(variable);
        if (optOut) psi.Environment[MallocTuning.OptOutVariable] = "off";
        else psi.Environment.Remove(MallocTuning.OptOutVariable);
        var r = RlmixProcess.Run(psi);
        Assert.True(r.ExitCode == 0, r.Output);
        return (r.Output, Path.Combine(dir, name));
    }

    static double[] Results(string runDir)
    {
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "metrics.json")));
        var r = metrics.RootElement;
        var losses = File.ReadAllLines(Path.Combine(runDir, "epochs.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture));
        return [r.GetProperty("top1_error").GetDouble(), r.GetProperty("ece").GetDouble(), r.GetProperty("fgsm_error").GetDouble(), .. losses];
    }

    [Fact]
    public void Train_WithAndWithoutTheThresholds_GivesBitIdenticalResults()
    {
        var tuned = Train("tuned", optOut: false);
        var defaults = Train("defaults", optOut: true);

        if (OperatingSystem.IsLinux() && File.Exists("/etc/debian_version"))
            Assert.Contains($"malloc: mmap_threshold={MallocTuning.MmapThresholdBytes} trim_threshold={MallocTuning.TrimThresholdBytes}", tuned.Output);
        Assert.Contains($"malloc: glibc defaults ({MallocTuning.OptOutVariable}=off)", defaults.Output);
        var a = Results(tuned.Dir);
        var b = Results(defaults.Dir);
        Assert.Equal(5, a.Length);   // top-1, ECE, FGSM and two epochs' training losses
        Assert.Equal(b, a);
    }
}

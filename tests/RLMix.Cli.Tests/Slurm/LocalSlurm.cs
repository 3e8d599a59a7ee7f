using System.Diagnostics;
using System.Reflection;
using RLMix.IO;

namespace RLMix.Cli.Tests.Slurm;

/// <summary>
/// A real single-node Slurm cluster on this machine, started by tests/slurm/start-local-slurm.sh in a directory of
/// its own and stopped (only the daemons it started) by stop-local-slurm.sh on <see cref="Dispose"/>. One at a time
/// per machine: from before it starts until it is stopped it holds <see cref="LockDir"/>'s lock, so test processes
/// that want a cluster at once (two test runs, two checkouts) take turns instead of sharing 2 cores between two
/// clusters' job arrays and timing out.
/// </summary>
internal sealed class LocalSlurm : IDisposable
{
    /// <summary>The machine-wide lock directory, in the system's temporary directory so that every test process finds it.</summary>
    static readonly string LockDir = Path.Combine(Path.GetTempPath(), "rlmix-local-slurm");

    // In LockDir while a cluster runs: its directory, so that the next holder stops a cluster whose test process was
    // killed (holding the lock proves that process is gone).
    const string RecordFile = "cluster";

    // How long to wait for another process's cluster: its whole test takes a few minutes.
    static readonly TimeSpan LockWait = TimeSpan.FromMinutes(20);

    static readonly string Scripts = typeof(LocalSlurm).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "SlurmScripts").Value!;

    static readonly string[] Programs = ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch", "/usr/bin/scontrol", "/usr/bin/squeue", "/usr/bin/scancel", "/usr/bin/sinfo"];

    readonly string dir;
    readonly DirectoryLock machineLock;
    bool disposed;

    LocalSlurm(string dir, string conf, DirectoryLock machineLock)
    {
        this.dir = dir;
        Conf = conf;
        this.machineLock = machineLock;
    }

    /// <summary>The cluster's slurm.conf: the SLURM_CONF of every Slurm command and of rlmix --submit.</summary>
    public string Conf { get; }

    static bool IsRoot => Environment.UserName == "root";

    /// <summary>Why this machine cannot run the cluster (packages missing, not root), or null when it can.</summary>
    public static string? MissingReason()
    {
        if (!OperatingSystem.IsLinux()) return "a local Slurm cluster needs Linux";
        var missing = Programs.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0) return $"Slurm is not installed ({string.Join(", ", missing)} missing): apt-get install -y slurm-wlm munge";
        if (!IsRoot && Run("sudo", ["-n", "true"], TimeSpan.FromSeconds(30)).ExitCode != 0)
            return "the local Slurm cluster runs slurmd, which needs root (or passwordless sudo)";
        return null;
    }

    /// <summary>Starts the cluster in <paramref name="dir"/>; throws with the script's output when it does not come up.</summary>
    public static LocalSlurm Start(string dir)
    {
        Directory.CreateDirectory(LockDir);
        var held = DirectoryLock.Acquire(LockDir, "local Slurm cluster lock directory", LockWait);
        string record = Path.Combine(LockDir, RecordFile);
        if (File.Exists(record))
        {
            // Left by a test process that ended without stopping its cluster.
            string orphan = File.ReadAllText(record).Trim();
            if (orphan.Length > 0) Stop(orphan);
        }
        File.WriteAllText(record, dir);
        var (code, output) = AsRoot(Path.Combine(Scripts, "start-local-slurm.sh"), dir);
        var cluster = new LocalSlurm(dir, Path.Combine(dir, "slurm.conf"), held);
        if (code != 0)
        {
            cluster.Dispose();
            throw new InvalidOperationException($"start-local-slurm.sh failed (exit {code}):\n{output}");
        }
        return cluster;
    }

    /// <summary>Runs a Slurm command (squeue, scancel, scontrol) against this cluster.</summary>
    public (int ExitCode, string Output) Command(string program, params string[] args) =>
        Run(program, args, TimeSpan.FromSeconds(60), Conf);

    /// <summary>Waits until no task of job <paramref name="job"/> is pending or running.</summary>
    public void WaitForJob(string job, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var (code, output) = Command("squeue", "-h", "-j", job, "-o", "%i %T %r");
            if (code == 0 && output.Trim().Length == 0) return;
            if (clock.Elapsed > timeout) throw new TimeoutException($"job {job} still queued after {timeout}: {output}");
            Thread.Sleep(500);
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        try
        {
            Stop(dir);
            File.Delete(Path.Combine(LockDir, RecordFile));
        }
        finally
        {
            machineLock.Dispose();
        }
    }

    static void Stop(string clusterDir)
    {
        AsRoot(Path.Combine(Scripts, "stop-local-slurm.sh"), clusterDir);
        // The daemons' state and logs belong to root.
        if (!IsRoot) Run("sudo", ["-n", "rm", "-rf", "--", clusterDir], TimeSpan.FromMinutes(1));
    }

    static (int ExitCode, string Output) AsRoot(string script, string dir) =>
        IsRoot ? Run(script, [dir], TimeSpan.FromMinutes(2)) : Run("sudo", ["-n", script, dir], TimeSpan.FromMinutes(2));

    static (int ExitCode, string Output) Run(string program, string[] args, TimeSpan timeout, string? conf = null)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (conf != null) psi.Environment["SLURM_CONF"] = conf;
        Process p;
        try
        {
            p = Process.Start(psi)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, $"{program}: {e.Message}");
        }
        using var _ = p;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"{program} {string.Join(' ', args)}: no answer within {timeout}");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}

/// <summary>
/// A test that needs <see cref="LocalSlurm"/>. Where Slurm cannot run it is skipped with the reason, except under
/// CI=true, where it runs and fails: CI installs the packages (.ci/run), so a missing Slurm there is a broken CI.
/// </summary>
internal sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (LocalSlurm.MissingReason() is { } reason && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Skip = reason + " (with CI=true this test fails instead)";
    }
}

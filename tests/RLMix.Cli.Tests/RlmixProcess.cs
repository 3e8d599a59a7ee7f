using System.Diagnostics;
using System.Text;

namespace RLMix.Cli.Tests;

/// <summary>Runs the real <c>rlmix</c> command (built next to the tests) in a child process, as a user would.</summary>
internal static class RlmixProcess
{
    public sealed record Result(int ExitCode, string Output);

    /// <summary>How to start <c>rlmix ARGS</c> in <paramref name="workDir"/> with both outputs redirected.</summary>
    public static ProcessStartInfo StartInfo(string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rlmix.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>Sends SIGTERM to <paramref name="p"/>, as a scheduler or `kill` would.</summary>
    public static void Terminate(Process p)
    {
        using var kill = Process.Start("kill", ["-TERM", p.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>
    /// Runs <c>rlmix ARGS</c> with <c>RLMIX_HOLD_AT=<paramref name="holdAt"/></c>, sends SIGTERM once the process
    /// says it holds there (so the signal lands at that exact point), and returns when it has exited.
    /// </summary>
    public static Result RunHeldThenTerminated(string workDir, string holdAt, params string[] args)
    {
        var output = new StringBuilder();
        using var held = new ManualResetEventSlim();
        var psi = StartInfo(workDir, args);
        psi.Environment["RLMIX_HOLD_AT"] = holdAt;
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) =>
        {
            lock (output) output.AppendLine(e.Data);
            if (e.Data?.Contains("RLMIX_HOLD_AT: holding", StringComparison.Ordinal) == true) held.Set();
        };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        Assert.True(held.Wait(TimeSpan.FromMinutes(5)), $"the run did not hold at {holdAt}: {output}");
        Terminate(p);
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)));
        p.WaitForExit(); // drain the output
        lock (output) return new Result(p.ExitCode, output.ToString());
    }

    public static Result Run(string workDir, params string[] args) => Run(StartInfo(workDir, args));

    /// <summary>Runs a prepared <see cref="StartInfo"/> (e.g. with environment variables added) to its end; both outputs, joined.</summary>
    public static Result Run(ProcessStartInfo psi)
    {
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(entireProcessTree: true); throw new TimeoutException("rlmix did not finish in 10 minutes"); }
        return new Result(p.ExitCode, stdout + stderr.Result);
    }
}

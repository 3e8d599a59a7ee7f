using System.Diagnostics;

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

    public static Result Run(string workDir, params string[] args)
    {
        using var p = Process.Start(StartInfo(workDir, args))!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(entireProcessTree: true); throw new TimeoutException("rlmix did not finish in 10 minutes"); }
        return new Result(p.ExitCode, stdout + stderr.Result);
    }
}

using System.Diagnostics;

namespace RLMix.Cli.Tests;

/// <summary>Runs the real <c>rlmix</c> command (built next to the tests) in a child process, as a user would.</summary>
internal static class RlmixProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static Result Run(string workDir, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rlmix.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(10))) { p.Kill(entireProcessTree: true); throw new TimeoutException("rlmix did not finish in 10 minutes"); }
        return new Result(p.ExitCode, stdout + stderr.Result);
    }
}

namespace RLMix.Cli.Tests;

/// <summary>
/// <c>rlmix agent train</c> killed (SIGKILL through RLMIX_CRASH_AT, SIGTERM) at several points, then
/// resumed, ends with the same bytes as an uninterrupted run. Tiny: mini data, 2 episodes of 3 batches,
/// rollouts of 2 steps (3 PPO updates).
/// </summary>
public sealed class AgentResumeTests : IDisposable
{
    const int Killed = 137;   // 128 + SIGKILL
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-agent-resume-").FullName;

    static readonly string[] Train = ["agent", "train", "--dataset", "fashion-mnist-mini", "--limit-train", "60", "--batch-size", "20",
        "--max-batches", "3", "--episodes", "2", "--n-steps", "2"];

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void KilledAtSeveralPoints_ThenResumed_EndsByteIdenticalToAnUninterruptedRun()
    {
        var straight = RlmixProcess.Run(dir, [.. Train, "--out", "a"]);
        Assert.True(straight.ExitCode == 0, straight.Output);

        string[] b = [.. Train, "--out", "b"];
        // Before the first checkpoint: --resume finds none and starts again.
        Assert.Equal(Killed, Run(b, "agent-step:1").ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "b", "checkpoint.bin")));
        // SIGTERM once the first episode is done (held after its third step, so that the signal cannot
        // arrive after the run has finished): a checkpoint, exit 143 and the command to resume.
        var term = RlmixProcess.RunHeldThenTerminated(dir, "agent-step:3", [.. b, "--resume"]);
        Assert.Contains("Episode 1/2", term.Output);
        Assert.True(term.ExitCode == 143, term.Output);
        Assert.Contains("--resume", term.Output[term.Output.IndexOf("Resume with", StringComparison.Ordinal)..]);
        // During a checkpoint write (the temporary is complete, not yet renamed).
        Assert.Equal(Killed, Run([.. b, "--resume"], "write:checkpoint.bin:1").ExitCode);
        // After a step whose update was logged to progress.csv but not yet checkpointed.
        Assert.Equal(Killed, Run([.. b, "--resume"], "agent-step:1").ExitCode);
        // During the final agent write.
        Assert.Equal(Killed, Run([.. b, "--resume"], "write:agent.rlmix:1").ExitCode);
        Assert.False(File.Exists(Path.Combine(dir, "b", "agent.rlmix")));
        var resumed = Run([.. b, "--resume"], null);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains("Resumed from", resumed.Output);

        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a", "agent.rlmix")), File.ReadAllBytes(Path.Combine(dir, "b", "agent.rlmix")));
        // progress.csv: the same rows and columns, wall-clock columns (time/fps, time/time_elapsed) aside; one row per PPO update.
        Assert.Equal(WithoutWallClock(Path.Combine(dir, "a", "progress.csv")), WithoutWallClock(Path.Combine(dir, "b", "progress.csv")));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "b", "progress.csv")).Length);
        var events = RLMix.Core.Tests.TensorBoard.EventFileReader.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "b", "tb"))));
        Assert.Equal([0L, 2L, 4L, 6L], events.Select(e => e.Step));

        // A resume with settings that change the numbers is refused, naming the setting.
        var other = RlmixProcess.Run(dir, [.. Train[..^1], "3", "--out", "b", "--resume"]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("n_steps", other.Output);
    }

    static string[] WithoutWallClock(string csv)
    {
        var rows = File.ReadAllLines(csv).Select(l => l.Split(',')).ToList();
        var keep = Enumerable.Range(0, rows[0].Length).Where(i => rows[0][i] is not ("time/fps" or "time/time_elapsed")).ToList();
        return rows.Select(r => string.Join(',', keep.Select(i => r[i]))).ToArray();
    }

    [Fact]
    public void DamagedAgent_IsRefusedByEvalAndTrain_NamingTheFile()
    {
        var train = RlmixProcess.Run(dir, [.. Train[..^4], "--episodes", "1", "--n-steps", "2", "--out", "a"]);
        Assert.True(train.ExitCode == 0, train.Output);
        var file = Path.Combine(dir, "a", "agent.rlmix");
        var bytes = File.ReadAllBytes(file);
        bytes[bytes.Length / 2] ^= 0x40;                              // one flipped bit in the weights
        File.WriteAllBytes(file, bytes);

        var eval = RlmixProcess.Run(dir, ["agent", "eval", "--dataset", "fashion-mnist-mini", "--limit-train", "60", "--batch-size", "20", "--max-batches", "1",
            "--episodes", "1", "--policy", "random", "--policy", "learned:a"]);
        Assert.Equal(3, eval.ExitCode);
        Assert.Contains("agent.rlmix", eval.Output);
        Assert.Contains("checksum", eval.Output);
        Assert.DoesNotContain("random episode", eval.Output);         // refused before the first policy ran

        var classifier = RlmixProcess.Run(dir, ["train", "--method", "rlmix", "--agent", "a", "--dataset", "fashion-mnist-mini", "--limit-train", "60",
            "--limit-test", "20", "--batch-size", "20", "--epochs", "1", "--out", "run"]);
        Assert.Equal(3, classifier.ExitCode);
        Assert.Contains("agent.rlmix", classifier.Output);
    }

    [Fact]
    public void FixedPolicyWithinTolerance_IsAcceptedByTrain_AsByAgentEval()
    {
        File.WriteAllText(Path.Combine(dir, "c.json"), """{ "rlmix": { "policy": "fixed:0.333" } }""");
        var train = RlmixProcess.Run(dir, ["train", "--method", "rlmix", "--config", "c.json", "--dataset", "fashion-mnist-mini", "--limit-train", "40",
            "--limit-test", "20", "--batch-size", "20", "--epochs", "1", "--out", "run"]);
        Assert.True(train.ExitCode == 0, train.Output);
        var metrics = File.ReadAllText(Path.Combine(dir, "run", "metrics.json"));
        Assert.Contains("\"q_3\": 40", metrics);                      // every image got q = 0.33
        var eval = RlmixProcess.Run(dir, ["agent", "eval", "--dataset", "fashion-mnist-mini", "--limit-train", "40", "--batch-size", "20", "--max-batches", "1",
            "--episodes", "1", "--policy", "fixed:0.333"]);
        Assert.True(eval.ExitCode == 0, eval.Output);
    }

    RlmixProcess.Result Run(string[] args, string? crashAt)
    {
        var psi = RlmixProcess.StartInfo(dir, args);
        if (crashAt is not null) psi.Environment["RLMIX_CRASH_AT"] = crashAt;
        return RlmixProcess.Run(psi);
    }
}

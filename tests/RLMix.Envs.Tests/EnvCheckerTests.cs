using RLMix.Envs.Checking;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

public sealed class EnvCheckerTests
{
    [Fact]
    public void Check_PassesAWellBehavedEnv_AndRunsTheEpisodeToItsEnd()
    {
        using var env = new ArgmaxEnv(length: 4);
        var report = EnvChecker.Check(env);
        Assert.True(report.EpisodeEnded);
        Assert.Equal(4, report.StepsTaken);
        Assert.Contains(report.Checks, c => c.Contains("without Reset throws"));
    }

    [Fact]
    public void Check_RejectsObservationsOutsideTheSpace()
    {
        using var env = new ArgmaxEnv { Broken = true };
        var e = Assert.Throws<EnvCheckException>(() => EnvChecker.Check(env));
        Assert.Contains("not in the observation space", e.Message);
    }

    [Fact]
    public void Check_RejectsAnEnvThatStepsAfterTheEpisodeEnded()
    {
        using var env = new ArgmaxEnv { NoGuard = true };
        var e = Assert.Throws<EnvCheckException>(() => EnvChecker.Check(env));
        Assert.Contains("did not throw InvalidOperationException", e.Message);
    }

    [Fact]
    public void Step_BeforeReset_AndAfterTheEnd_ThrowWithAClearMessage()
    {
        using var env = new ArgmaxEnv(length: 1);
        using var action = tensor(0L);
        var before = Assert.Throws<InvalidOperationException>(() => env.Step(action));
        Assert.Contains("before Reset", before.Message);
        env.Reset(1);
        Assert.True(env.Step(action).Truncated);
        var after = Assert.Throws<InvalidOperationException>(() => env.Step(action));
        Assert.Contains("Call Reset()", after.Message);
    }
}

using RLMix.Mixing.CoMixup;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class OpenMpTeamTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    sealed record Result(int Value, int Thread);

    [Fact]
    public void Fits_NeedsAHelperAndThatManyTorchThreads()
    {
        var torchThreads = get_num_threads();
        Assert.False(OpenMpTeam.Fits(1));
        Assert.False(OpenMpTeam.Fits(torchThreads + 1));
        // On Linux libtorch's CPU build loads libgomp, whose GOMP_parallel must be found.
        Assert.Equal(OperatingSystem.IsLinux() && torchThreads >= 2, OpenMpTeam.Fits(2));
    }

    [TorchWorkersFact]
    public void Run_RunsTheCallerOnThisThread_AndTheHelperOnAnotherAtTheSameTime()
    {
        var caller = Environment.CurrentManagedThreadId;
        using var helperRunning = new ManualResetEventSlim();
        int callerThread = -1, helperThread = -1, helperRuns = 0;
        OpenMpTeam.Run(1, () =>
        {
            callerThread = Environment.CurrentManagedThreadId;
            // Returns only if the helper runs while the caller's work is still running.
            Assert.True(helperRunning.Wait(Timeout), "the helper did not run beside the caller");
        }, () =>
        {
            helperThread = Environment.CurrentManagedThreadId;
            Interlocked.Increment(ref helperRuns);
            helperRunning.Set();
        });
        Assert.Equal(caller, callerThread);
        Assert.Equal(1, helperRuns);
        Assert.NotEqual(caller, helperThread);
    }

    [TorchWorkersFact]
    public void Run_RethrowsTheCallersException_AndDropsTheHelpers()
    {
        var error = Assert.Throws<ArgumentException>(() => OpenMpTeam.Run(1,
            () => throw new ArgumentException("caller failure"),
            () => throw new InvalidOperationException("helper failure")));
        Assert.Equal("caller failure", error.Message);
        // The region still works after both failures.
        var ran = 0;
        OpenMpTeam.Run(1, () => Interlocked.Increment(ref ran), () => Interlocked.Increment(ref ran));
        Assert.Equal(2, ran);
    }

    [TorchWorkersFact]
    public void HedgedPartitions_OnLibtorchsWorker_KeepsEveryItemsResult_AndTheHelperDoesItsShare()
    {
        var caller = Environment.CurrentManagedThreadId;
        using var helperWorked = new ManualResetEventSlim();
        var results = HedgedPartitions.Run(6, 1, () => 0, (i, _, _) =>
        {
            if (Environment.CurrentManagedThreadId != caller) helperWorked.Set();
            else if (i == 0) Assert.True(helperWorked.Wait(Timeout), "the helper did not start");
            return new Result(i * i, Environment.CurrentManagedThreadId);
        }, OpenMpTeam.Run);
        Assert.Equal([0, 1, 4, 9, 16, 25], results.Select(r => r.Value));
        Assert.Contains(results, r => r.Thread != caller);
    }
}

/// <summary>
/// A test that needs libtorch's OpenMP workers (<see cref="OpenMpTeam.Fits"/> with 2 threads: Linux and at least 2 torch
/// threads). Skipped elsewhere with the reason, except under CI=true, where it runs and fails: CI's machine has them.
/// </summary>
internal sealed class TorchWorkersFactAttribute : FactAttribute
{
    public TorchWorkersFactAttribute()
    {
        if (!OpenMpTeam.Fits(2) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Skip = $"needs libtorch's libgomp workers (Linux, 2 or more torch threads; here {get_num_threads()}) (with CI=true this test fails instead)";
    }
}

using RLMix.Errors;
using RLMix.IO;

namespace RLMix.Core.Tests.IO;

public sealed class DirectoryLockTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-lock-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void SecondWriter_IsRefusedNamingTheHolder_UntilTheFirstReleases()
    {
        using (var first = DirectoryLock.Acquire(dir, "run directory"))
        {
            var e = Assert.Throws<UsageException>(() => DirectoryLock.Acquire(dir, "run directory"));
            Assert.Contains($"host {Environment.MachineName}, pid {Environment.ProcessId}", e.Message);
            Assert.Contains("run directory", e.Message);
        }

        using var again = DirectoryLock.Acquire(dir);
        Assert.Null(again.StaleHolder);
    }

    [Fact]
    public void AcquireWithWait_GetsTheLockOnceTheHolderReleasesIt_AndNotBefore()
    {
        var first = DirectoryLock.Acquire(dir, "cluster lock");
        bool released = false;
        var releasing = new Thread(() =>
        {
            Thread.Sleep(300);
            Volatile.Write(ref released, true);
            first.Dispose();
        });
        releasing.Start();

        using var second = DirectoryLock.Acquire(dir, "cluster lock", TimeSpan.FromMinutes(2));

        Assert.True(Volatile.Read(ref released));
        releasing.Join();
    }

    [Fact]
    public void AcquireWithWait_StillHeldAfterTheWait_IsRefusedNamingTheHolder()
    {
        using var first = DirectoryLock.Acquire(dir, "cluster lock");
        var e = Assert.Throws<UsageException>(() => DirectoryLock.Acquire(dir, "cluster lock", TimeSpan.FromMilliseconds(600)));
        Assert.Contains($"pid {Environment.ProcessId}", e.Message);
    }

    [Fact]
    public void HolderRecordLeftByAKilledProcess_IsReportedAsStale()
    {
        var ghost = new LockHolder("elsewhere", 999_999, "77", DateTimeOffset.UnixEpoch);
        File.WriteAllText(Path.Combine(dir, DirectoryLock.HolderFileName),
            System.Text.Json.JsonSerializer.Serialize(ghost, RLMix.Configuration.ConfigFile.JsonOptions));

        using var taken = DirectoryLock.Acquire(dir);

        Assert.Equal(ghost, taken.StaleHolder);
        Assert.Contains("Slurm job 77", taken.StaleHolder!.ToString());
    }

    [Fact]
    public void DeleteContents_KeepsOnlyTheLock()
    {
        File.WriteAllText(Path.Combine(dir, "metrics.json"), "{}");
        Directory.CreateDirectory(Path.Combine(dir, "tb", "x"));

        using (var held = DirectoryLock.Acquire(dir))
        {
            held.DeleteContents();
            Assert.Equal([DirectoryLock.FileName, DirectoryLock.HolderFileName],
                Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        Assert.False(File.Exists(Path.Combine(dir, DirectoryLock.HolderFileName)));
    }
}

using RLMix.Training;
using Xunit;

namespace RLMix.Core.Tests.Training;

public class MallocTuningTests
{
    static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void SkipReason_PlainLinuxEnvironment_Applies() =>
        Assert.Null(MallocTuning.SkipReason(isLinux: true, Env()));

    [Fact]
    public void SkipReason_NotLinux_Skips() =>
        Assert.Contains("not Linux", MallocTuning.SkipReason(isLinux: false, Env()));

    [Theory]
    [InlineData("off")]
    [InlineData("OFF")]
    public void SkipReason_OptOut_Skips(string value) =>
        Assert.Contains(MallocTuning.OptOutVariable, MallocTuning.SkipReason(isLinux: true, Env((MallocTuning.OptOutVariable, value))));

    [Fact]
    public void SkipReason_OtherOptOutValue_StillApplies() =>
        Assert.Null(MallocTuning.SkipReason(isLinux: true, Env((MallocTuning.OptOutVariable, "on"))));

    [Theory]
    [InlineData("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=0")]
    [InlineData("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX:glibc.malloc.arena_max=2")]
    [InlineData("MALLOC_MMAP_THRESHOLD_", "131072")]
    [InlineData("MALLOC_TRIM_THRESHOLD_", "0")]
    [InlineData("MALLOC_TOP_PAD_", "0")]
    public void SkipReason_UsersOwnMallocSettings_WinAndAreRecorded(string name, string value) =>
        Assert.Equal($"the environment's {name}={value}", MallocTuning.SkipReason(isLinux: true, Env((name, value))));

    [Fact]
    public void SkipReason_TunablesWithoutMalloc_StillApplies() =>
        Assert.Null(MallocTuning.SkipReason(isLinux: true, Env(("GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX"))));

    [Fact]
    public void Apply_OnThisMachine_SetsBothThresholdsOrSaysWhyNot()
    {
        var reason = MallocTuning.SkipReason(OperatingSystem.IsLinux(), Environment.GetEnvironmentVariable);
        var state = MallocTuning.Apply();
        Assert.Equal(state, MallocTuning.State);
        // Debian's glibc accepts both values; elsewhere the state names the reason it did nothing.
        if (reason is null && File.Exists("/etc/debian_version"))
            Assert.Equal($"mmap_threshold={MallocTuning.MmapThresholdBytes} trim_threshold={MallocTuning.TrimThresholdBytes}", state.Split(" (")[0]);
        else if (reason is not null)
            Assert.Equal(reason, state);
    }
}

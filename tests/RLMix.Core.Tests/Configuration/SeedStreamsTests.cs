using RLMix.Configuration;

namespace RLMix.Core.Tests.Configuration;

/// <summary>
/// The derived seeds of existing runs never change: values computed by an independent implementation
/// (Python, integers mod 2^64) of FNV-1a followed by SplitMix64's output function.
/// </summary>
public sealed class SeedStreamsTests
{
    [Theory]
    [InlineData(0L, "data", 1416231487088177550L)]
    [InlineData(42L, "agent", 8486424890854932068L)]
    [InlineData(-7L, "model", 4721792909711482412L)]
    public void Derive_IsFnv1aThenSplitMix64(long root, string consumer, long expected) =>
        Assert.Equal(expected, Seeds.Derive(root, consumer));

    [Theory]
    [InlineData(0L, 0, 2065550767)]
    [InlineData(123456789L, 3, 379961061)]
    [InlineData(-1L, 7, 597590116)]
    public void CoMixupPartitionSeed_IsTheSplitMix64OutputOfThePartition(long seed, int partition, int expected) =>
        Assert.Equal(expected, RLMix.Mixing.CoMixup.CoMixup.PartitionSeed(seed, partition));
}

namespace RLMix.Data;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose whole state is one 64-bit
/// number. The data pipeline draws its shuffles, subset picks and augmentation offsets from it, in C#,
/// so the order of the data depends only on the seed, not on the libtorch version or the device.
/// <c>Embedded/make-mini.py</c> carries the same generator.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    /// <summary>A generator for one purpose (<paramref name="stream"/>) and index (e.g. the epoch) under a root seed.</summary>
    public static SplitMix64 For(long seed, ulong stream, long index = 0) =>
        new(Mix(Mix(unchecked((ulong)seed) ^ stream) + unchecked((ulong)index)));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state = unchecked(_state + Golden);
        return Mix(_state);
    }

    /// <summary>
    /// The <paramref name="n"/>-th output (1-based) of a generator started at <paramref name="state"/>, without
    /// stepping through the ones before: SplitMix64's state advances by a constant, so it is Mix(state + n * gamma).
    /// </summary>
    public static ulong Output(ulong state, ulong n) => Mix(unchecked(state + n * Golden));

    /// <summary>A uniform integer in [0, <paramref name="n"/>), by rejection so there is no modulo bias.</summary>
    public int Below(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong limit = ulong.MaxValue - (ulong.MaxValue % (ulong)n + 1) % (ulong)n; // largest multiple of n, minus 1
        while (true)
        {
            ulong x = NextUInt64();
            if (x <= limit)
                return (int)(x % (ulong)n);
        }
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = Below(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>The increment of the state (2^64 / golden ratio).</summary>
    const ulong Golden = 0x9E3779B97F4A7C15UL;

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}

using RLMix.Data;

namespace RLMix.Configuration;

/// <summary>
/// Splits one root seed into independent, stable seeds per consumer ("data", "model", "method",
/// "examples", "env", "agent", "policy", ...), so adding a consumer never shifts another's random stream.
/// </summary>
public static class Seeds
{
    /// <summary>A seed for <paramref name="consumer"/> derived from <paramref name="root"/> (FNV-1a then SplitMix64; stable across runs and platforms).</summary>
    public static long Derive(long root, string consumer)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in consumer) { h ^= c; h *= 1099511628211UL; }
        ulong z = SplitMix64.Output(h ^ (ulong)root, 1);
        return (long)(z & 0x7FFF_FFFF_FFFF_FFFFUL); // non-negative: torch generators take it as a seed
    }
}

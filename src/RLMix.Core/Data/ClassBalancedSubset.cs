namespace RLMix.Data;

/// <summary>
/// Picks n items so that the classes are as equal as they can be: a seeded shuffle of all items, then
/// round-robin over the classes (each class's first item in shuffled order, then each class's second, ...),
/// keeping the first n. A class with too few items simply runs out. The picked indices are returned in
/// ascending (original) order.
/// </summary>
internal static class ClassBalancedSubset
{
    public static long[] Pick(long[] labels, int n, int numClasses, SplitMix64 rng)
    {
        if (n >= labels.Length)
            return Enumerable.Range(0, labels.Length).Select(i => (long)i).ToArray();
        var order = Enumerable.Range(0, labels.Length).ToArray();
        rng.Shuffle(order);
        var seen = new int[numClasses];
        var keys = new long[order.Length]; // rank within class, then class
        for (int i = 0; i < order.Length; i++)
        {
            long label = labels[order[i]];
            keys[i] = (long)seen[label]++ * numClasses + label;
        }
        Array.Sort(keys, order);
        return order.Take(n).Order().Select(i => (long)i).ToArray();
    }
}

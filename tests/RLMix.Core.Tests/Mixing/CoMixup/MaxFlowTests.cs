using RLMix.Mixing.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class MaxFlowTests
{
    [Fact]
    public void Solve_ClrsNetwork_Finds23AndTheCutBeforeV3()
    {
        // CLRS (3rd ed.) figure 26.1; nodes v1..v4 = 0..3. Max flow 23; the minimum cut with the
        // smallest sink side is {v3, t}.
        var g = new MaxFlow(4, 8);
        g.Reset(4);
        g.AddTerminalWeights(0, 16, 0);
        g.AddTerminalWeights(1, 13, 0);
        g.AddTerminalWeights(2, 0, 20);
        g.AddTerminalWeights(3, 0, 4);
        g.AddEdge(0, 2, 12, 0);
        g.AddEdge(1, 0, 4, 0);
        g.AddEdge(1, 3, 14, 0);
        g.AddEdge(2, 1, 9, 0);
        g.AddEdge(3, 2, 7, 0);

        Assert.Equal(23, g.Solve());
        Assert.Equal(new[] { false, false, true, false }, Enumerable.Range(0, 4).Select(g.IsSinkSide).ToArray());
    }

    [Fact]
    public void Solve_TwoNodeChain_CutsTheCheapestLink()
    {
        // s -5-> a -2-> b -7-> t: the a->b edge (2) is the bottleneck; b is the only sink-side node.
        var g = new MaxFlow(2, 1);
        g.Reset(2);
        g.AddTerminalWeights(0, 5, 0);
        g.AddTerminalWeights(1, 0, 7);
        g.AddEdge(0, 1, 2, 0);
        Assert.Equal(2, g.Solve());
        Assert.False(g.IsSinkSide(0));
        Assert.True(g.IsSinkSide(1));
    }

    [Fact]
    public void Solve_ReusedBuffers_GiveTheSameAnswerTwice()
    {
        var g = new MaxFlow(10, 30);
        var first = BuildRandom(g, new Random(3), 9, 20);
        var again = BuildRandom(g, new Random(3), 9, 20);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Solve_RandomGraphs_EqualsBruteForceMinimumCut()
    {
        var g = new MaxFlow(10, 40);
        for (var seed = 0; seed < 300; seed++)
        {
            var rng = new Random(seed);
            var n = rng.Next(1, 11);
            var (source, sink, edges) = RandomGraph(rng, n, rng.Next(0, 3 * n + 1));
            g.Reset(n);
            for (var i = 0; i < n; i++) g.AddTerminalWeights(i, source[i], sink[i]);
            foreach (var (a, b, c, r) in edges) g.AddEdge(a, b, c, r);

            var flow = g.Solve();

            // Brute force over all 2^n assignments (bit set = sink side).
            long best = long.MaxValue;
            var minimalCuts = new List<int>();
            for (var mask = 0; mask < 1 << n; mask++)
            {
                var value = CutValue(mask, n, source, sink, edges);
                if (value < best) { best = value; minimalCuts.Clear(); }
                if (value == best) minimalCuts.Add(mask);
            }
            Assert.Equal(best, flow);
            var reported = 0;
            for (var i = 0; i < n; i++) if (g.IsSinkSide(i)) reported |= 1 << i;
            Assert.Equal(best, CutValue(reported, n, source, sink, edges));
            // The reported cut has the smallest sink side: contained in every minimum cut's sink side.
            Assert.All(minimalCuts, m => Assert.Equal(reported, reported & m));
        }
    }

    private static long CutValue(int sinkMask, int n, long[] source, long[] sink, List<(int A, int B, long C, long R)> edges)
    {
        long v = 0;
        for (var i = 0; i < n; i++) v += (sinkMask >> i & 1) == 1 ? source[i] : sink[i];
        foreach (var (a, b, c, r) in edges)
        {
            bool sa = (sinkMask >> a & 1) == 1, sb = (sinkMask >> b & 1) == 1;
            if (!sa && sb) v += c;
            if (sa && !sb) v += r;
        }
        return v;
    }

    private static (long[] Source, long[] Sink, List<(int, int, long, long)> Edges) RandomGraph(Random rng, int n, int edgeCount)
    {
        var source = new long[n];
        var sink = new long[n];
        for (var i = 0; i < n; i++)
        {
            source[i] = rng.Next(3) == 0 ? 0 : rng.Next(0, 20);
            sink[i] = rng.Next(3) == 0 ? 0 : rng.Next(0, 20);
        }
        var edges = new List<(int, int, long, long)>();
        if (n > 1)
        {
            for (var e = 0; e < edgeCount; e++)
            {
                var a = rng.Next(n);
                var b = rng.Next(n - 1);
                if (b >= a) b++;
                edges.Add((a, b, rng.Next(0, 15), rng.Next(2) == 0 ? 0 : rng.Next(0, 15)));
            }
        }
        return (source, sink, edges);
    }

    private static (long Flow, string Side) BuildRandom(MaxFlow g, Random rng, int n, int edgeCount)
    {
        var (source, sink, edges) = RandomGraph(rng, n, edgeCount);
        g.Reset(n);
        for (var i = 0; i < n; i++) g.AddTerminalWeights(i, source[i], sink[i]);
        foreach (var (a, b, c, r) in edges) g.AddEdge(a, b, c, r);
        var flow = g.Solve();
        return (flow, string.Concat(Enumerable.Range(0, n).Select(i => g.IsSinkSide(i) ? 'T' : 'S')));
    }
}

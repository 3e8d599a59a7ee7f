using RLMix.Mixing.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class GridMaxFlowTests
{
    [Fact]
    public void MinCut_RandomSwapGraphs_SameFlowAndCutAsEdgeListMaxFlow()
    {
        // Independent reference: MaxFlow on explicit edge lists, any grid shape up to 8x8, random node subsets.
        var rng = new Random(11);
        for (var trial = 0; trial < 3000; trial++)
        {
            int h = rng.Next(1, 9), w = rng.Next(1, 9), cells = h * w;
            ulong nodes = 0;
            var preference = new long[cells];
            for (var k = 0; k < cells; k++)
            {
                if (rng.Next(4) != 0) nodes |= 1UL << k;
                preference[k] = rng.Next(3) == 0 ? 0 : rng.Next(-60, 61);
            }
            long capacity = rng.Next(3) == 0 ? 0 : rng.Next(1, 40);

            var grid = new GridMaxFlow(h, w);
            var sinkSide = grid.MinCut(nodes, preference, capacity);

            var index = new int[cells];
            var count = 0;
            for (var k = 0; k < cells; k++) index[k] = (nodes >> k & 1) != 0 ? count++ : -1;
            var reference = new MaxFlow(cells, 2 * cells);
            reference.Reset(count);
            for (var k = 0; k < cells; k++)
            {
                if (index[k] < 0) continue;
                reference.AddTerminalWeights(index[k], Math.Max(preference[k], 0), Math.Max(-preference[k], 0));
                if (capacity == 0) continue;
                if (k % w + 1 < w && index[k + 1] >= 0) reference.AddEdge(index[k], index[k + 1], capacity, capacity);
                if (k + w < cells && index[k + w] >= 0) reference.AddEdge(index[k], index[k + w], capacity, capacity);
            }
            var flow = reference.Solve();

            Assert.Equal(flow, grid.Flow);
            for (var k = 0; k < cells; k++)
            {
                var expected = index[k] >= 0 && reference.IsSinkSide(index[k]);
                Assert.True(expected == ((sinkSide >> k & 1) != 0), $"trial {trial} ({h}x{w}): cell {k} sink side {!expected}, MaxFlow says {expected}");
            }
        }
    }

    [Fact]
    public void MinCut_TwoNodesJoinedByACheapEdge_CutsTheEdge()
    {
        // Node 0 wants alpha by 10 (source capacity), node 1 beta by 10 (sink capacity); cutting their edge (3) is cheapest.
        var grid = new GridMaxFlow(1, 2);
        var sinkSide = grid.MinCut(0b11, [10, -10], 3);
        Assert.Equal(3, grid.Flow);
        Assert.Equal(0b10UL, sinkSide);
    }

    [Fact]
    public void MinCut_RejectsGridsOverSixtyFourCells() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GridMaxFlow(9, 8));
}

using System.Numerics;

namespace RLMix.Mixing.CoMixup;

/// <summary>
/// Exact s-t minimum cut of one alpha-beta swap move on a grid of at most 64 cells, with node sets as
/// 64-bit masks: a breadth-first search advances a whole level with a few shifts instead of visiting
/// edge lists. Same cut as <see cref="MaxFlow"/> (a node is on the sink side exactly when it can reach
/// the sink in the final residual graph), for the graphs of a swap move: terminal capacities from each
/// node's preference and one capacity on every edge between 4-neighbouring nodes, both directions.
/// </summary>
/// <remarks>
/// Co-Mixup's moves have at most 16 nodes (4x4 grid); building and searching flat edge lists dominated
/// their cost. Shortest augmenting paths (Edmonds-Karp) with integer capacities, so the flow is exact;
/// the cut rule makes the result independent of the paths chosen. Not thread-safe: one instance per thread.
/// </remarks>
public sealed class GridMaxFlow
{
    /// <summary>Largest grid (cells) a mask holds.</summary>
    public const int MaxCells = 64;

    // Directions from a cell: right, left, down, up; d ^ 1 is the direction of the reverse edge.
    private const int Right = 0, Left = 1, Down = 2, Up = 3;

    private readonly int width;
    private readonly int cells;
    private readonly ulong notLastColumn;  // cells with a right neighbour
    private readonly long[] sourceCap = new long[MaxCells];
    private readonly long[] sinkCap = new long[MaxCells];
    // Net flow on each edge to the right and downward neighbour (negative: the other way). The residual
    // capacity of k -> right is capacity - netRight[k], of right -> k capacity + netRight[k]: no per-edge
    // capacities to set up, only these to clear.
    private readonly long[] netRight = new long[MaxCells];
    private readonly long[] netDown = new long[MaxCells];
    private long capacity;
    private readonly ulong[] levels = new ulong[MaxCells + 1];
    private readonly ulong[] open = new ulong[4]; // per direction: cells whose edge that way has residual capacity

    /// <summary>Creates the solver for an <paramref name="height"/> x <paramref name="width"/> grid of at most <see cref="MaxCells"/> cells.</summary>
    public GridMaxFlow(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (height * width > MaxCells) throw new ArgumentOutOfRangeException(nameof(height), $"GridMaxFlow holds at most {MaxCells} cells; got {height}x{width}.");
        this.width = width;
        cells = height * width;
        for (var k = 0; k < cells; k++)
            if (k % width + 1 < width) notLastColumn |= 1UL << k;
    }

    /// <summary>The maximum flow (= minimum cut value) of the last <see cref="MinCut"/>.</summary>
    public long Flow { get; private set; }

    /// <summary>
    /// Minimum cut of the graph on the cells in <paramref name="nodes"/> (bit k = cell k, row-major).
    /// A node k with <paramref name="preference"/>[k] = d &gt; 0 has capacity d from the source (paid when
    /// it ends on the sink side), with d &lt; 0 capacity -d to the sink; every pair of 4-neighbouring nodes
    /// is joined by <paramref name="edgeCapacity"/> in both directions. Returns the sink side as a mask:
    /// the nodes that can reach the sink in the final residual graph (the minimum cut with the smallest
    /// sink side, as <see cref="MaxFlow"/> and gco report it).
    /// </summary>
    public ulong MinCut(ulong nodes, ReadOnlySpan<long> preference, long edgeCapacity)
    {
        if (cells < 64 && nodes >> cells != 0) throw new ArgumentException($"nodes has cells outside the {cells}-cell grid.", nameof(nodes));
        if (preference.Length < cells) throw new ArgumentException($"preference needs {cells} entries, got {preference.Length}.", nameof(preference));
        ArgumentOutOfRangeException.ThrowIfNegative(edgeCapacity);

        ulong sources = 0, sinks = 0;
        for (var bits = nodes; bits != 0; bits &= bits - 1)
        {
            var k = BitOperations.TrailingZeroCount(bits);
            var d = preference[k];
            sourceCap[k] = d > 0 ? d : 0;
            sinkCap[k] = d < 0 ? -d : 0;
            if (d > 0) sources |= 1UL << k;
            else if (d < 0) sinks |= 1UL << k;
        }

        // Edges between neighbouring nodes; bit k of open[dir] means cell k's edge that way is open.
        var right = edgeCapacity > 0 ? nodes & (nodes >> 1) & notLastColumn : 0;
        var down = edgeCapacity > 0 ? nodes & (nodes >> width) : 0;
        open[Right] = right; open[Left] = right << 1;
        open[Down] = down; open[Up] = down << width;
        capacity = edgeCapacity;
        Array.Clear(netRight, 0, cells);
        Array.Clear(netDown, 0, cells);

        long flow = 0;
        if (right != 0 || down != 0)
        {
            while (sources != 0 && sinks != 0)
            {
                var last = ShortestPathLevels(sources, sinks);
                if (last < 0) break;
                flow += Augment(last, ref sources, ref sinks);
            }
        }
        Flow = flow;
        return ReachesSink(sinks);
    }

    // Breadth-first levels from the nodes with residual source capacity until one with residual sink
    // capacity is reached; returns the level that reached it, or -1.
    private int ShortestPathLevels(ulong sources, ulong sinks)
    {
        ulong visited = sources, frontier = sources;
        var level = 0;
        levels[0] = sources;
        while ((frontier & sinks) == 0)
        {
            var next = ((frontier & open[Right]) << 1) | ((frontier & open[Left]) >> 1)
                     | ((frontier & open[Down]) << width) | ((frontier & open[Up]) >> width);
            next &= ~visited;
            if (next == 0) return -1;
            visited |= next;
            levels[++level] = next;
            frontier = next;
        }
        return level;
    }

    // Walks back from a sink-capacity node of the last level through the levels and pushes the bottleneck.
    private long Augment(int last, ref ulong sources, ref ulong sinks)
    {
        Span<int> path = stackalloc int[last + 1]; // path[l] = the node at level l
        Span<int> step = stackalloc int[last];     // step[l] = direction of the edge path[l] -> path[l + 1]
        var v = BitOperations.TrailingZeroCount(levels[last] & sinks);
        path[last] = v;
        var bottleneck = sinkCap[v];
        for (var l = last; l > 0; l--)
        {
            var u = Predecessor(v, levels[l - 1], out var dir);
            bottleneck = Math.Min(bottleneck, Residual(u, dir));
            path[l - 1] = v = u;
            step[l - 1] = dir;
        }
        bottleneck = Math.Min(bottleneck, sourceCap[v]);

        sourceCap[v] -= bottleneck;
        if (sourceCap[v] == 0) sources &= ~(1UL << v);
        for (var l = 0; l < last; l++) Push(path[l], path[l + 1], step[l], bottleneck);
        var t = path[last];
        sinkCap[t] -= bottleneck;
        if (sinkCap[t] == 0) sinks &= ~(1UL << t);
        return bottleneck;
    }

    // A node of the previous level with an open edge into v (fixed order: left, right, upper, lower neighbour).
    private int Predecessor(int v, ulong previous, out int dir)
    {
        var bit = 1UL << v;
        if (((previous & open[Right]) << 1 & bit) != 0) { dir = Right; return v - 1; }
        if (((previous & open[Left]) >> 1 & bit) != 0) { dir = Left; return v + 1; }
        if (((previous & open[Down]) << width & bit) != 0) { dir = Down; return v - width; }
        dir = Up;
        return v + width;
    }

    private long Residual(int cell, int dir) => dir switch
    {
        Right => capacity - netRight[cell],
        Left => capacity + netRight[cell - 1],
        Down => capacity - netDown[cell],
        _ => capacity + netDown[cell - width],
    };

    // Sends amount from u to its neighbour v (direction dir) and updates both directions' open bits.
    private void Push(int u, int v, int dir, long amount)
    {
        switch (dir)
        {
            case Right: netRight[u] += amount; break;
            case Left: netRight[v] -= amount; break;
            case Down: netDown[u] += amount; break;
            default: netDown[v] -= amount; break;
        }
        SetOpen(u, dir);
        SetOpen(v, dir ^ 1); // the reverse edge: Right^1 = Left, Down^1 = Up
    }

    private void SetOpen(int cell, int dir)
    {
        if (Residual(cell, dir) > 0) open[dir] |= 1UL << cell;
        else open[dir] &= ~(1UL << cell);
    }

    // Nodes that can reach a node with residual sink capacity through open edges (reverse search).
    private ulong ReachesSink(ulong sinks)
    {
        var reached = sinks;
        while (true)
        {
            // u reaches v when u's edge towards v is open: u = v - 1 via Right, v + 1 via Left, ...
            var more = ((reached >> 1) & open[Right]) | ((reached << 1) & open[Left])
                     | ((reached >> width) & open[Down]) | ((reached << width) & open[Up]);
            more &= ~reached;
            if (more == 0) return reached;
            reached |= more;
        }
    }
}

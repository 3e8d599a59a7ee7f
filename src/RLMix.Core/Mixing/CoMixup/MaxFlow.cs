namespace RLMix.Mixing.CoMixup;

/// <summary>
/// Exact s-t maximum flow / minimum cut for the small graphs of Co-Mixup's swap moves
/// (at most one node per grid cell, 16 at the default 4x4 grid), with integer capacities.
/// </summary>
/// <remarks>
/// Shortest augmenting paths (Edmonds-Karp) on a residual graph stored in flat arrays: on graphs
/// of a few dozen edges this beats Boykov-Kolmogorov's tree bookkeeping, and it is exact because
/// capacities are integers. Buffers are allocated once for a maximum size and reused by
/// <see cref="Reset"/>, so a solve allocates nothing. Not thread-safe: one instance per thread.
/// <para>
/// The cut reported is the one Boykov-Kolmogorov (and so gco) reports: a node is on the sink side
/// exactly when it can still reach the sink in the final residual graph. Among all minimum cuts this
/// is the one with the smallest sink side, unique for a given energy, so results do not depend on
/// how the graph was built or in which order paths were found.
/// </para>
/// </remarks>
public sealed class MaxFlow
{
    private readonly int maxNodes;
    private readonly int maxEdges;
    private readonly long[] sourceCap;   // residual capacity source -> node
    private readonly long[] sinkCap;     // residual capacity node -> sink
    private readonly int[] firstEdge;    // head of each node's edge list, -1 = none
    private readonly int[] edgeTo;
    private readonly int[] edgeNext;
    private readonly long[] edgeCap;     // residual capacity; edge e and e ^ 1 are each other's reverse
    private readonly int[] parentEdge;   // BFS tree: edge used to reach a node, -1 = reached from the source
    private readonly int[] visitStamp;
    private readonly int[] queue;
    private readonly bool[] sinkSide;
    private int nodeCount;
    private int edgeCount;
    private int stamp;

    /// <summary>Allocates buffers for graphs of up to <paramref name="maxNodes"/> nodes and <paramref name="maxEdges"/> undirected edges.</summary>
    public MaxFlow(int maxNodes, int maxEdges)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxNodes);
        ArgumentOutOfRangeException.ThrowIfNegative(maxEdges);
        this.maxNodes = maxNodes;
        this.maxEdges = maxEdges;
        sourceCap = new long[maxNodes];
        sinkCap = new long[maxNodes];
        firstEdge = new int[maxNodes];
        edgeTo = new int[2 * maxEdges];
        edgeNext = new int[2 * maxEdges];
        edgeCap = new long[2 * maxEdges];
        parentEdge = new int[maxNodes];
        visitStamp = new int[maxNodes];
        queue = new int[maxNodes];
        sinkSide = new bool[maxNodes];
    }

    /// <summary>Number of nodes of the current graph.</summary>
    public int NodeCount => nodeCount;

    /// <summary>Starts a new graph with <paramref name="nodes"/> nodes, no edges and zero terminal capacities.</summary>
    public void Reset(int nodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nodes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nodes, maxNodes);
        nodeCount = nodes;
        edgeCount = 0;
        Array.Clear(sourceCap, 0, nodes);
        Array.Clear(sinkCap, 0, nodes);
        Array.Fill(firstEdge, -1, 0, nodes);
    }

    /// <summary>
    /// Adds capacity from the source to <paramref name="node"/> (paid when the node ends on the sink side)
    /// and from the node to the sink (paid when it ends on the source side). Capacities must be non-negative.
    /// </summary>
    public void AddTerminalWeights(int node, long fromSource, long toSink)
    {
        if (fromSource < 0 || toSink < 0) throw new ArgumentOutOfRangeException(nameof(fromSource), "Terminal capacities must be non-negative.");
        sourceCap[node] += fromSource;
        sinkCap[node] += toSink;
    }

    /// <summary>Adds an edge <paramref name="from"/> -> <paramref name="to"/> with <paramref name="capacity"/> and the reverse edge with <paramref name="reverseCapacity"/>.</summary>
    public void AddEdge(int from, int to, long capacity, long reverseCapacity)
    {
        if (capacity < 0 || reverseCapacity < 0) throw new ArgumentOutOfRangeException(nameof(capacity), "Edge capacities must be non-negative.");
        if (edgeCount >= maxEdges) throw new InvalidOperationException($"MaxFlow was sized for {maxEdges} edges.");
        if ((uint)from >= (uint)nodeCount || (uint)to >= (uint)nodeCount) throw new ArgumentOutOfRangeException(nameof(from));
        var e = 2 * edgeCount;
        edgeTo[e] = to; edgeCap[e] = capacity; edgeNext[e] = firstEdge[from]; firstEdge[from] = e;
        edgeTo[e + 1] = from; edgeCap[e + 1] = reverseCapacity; edgeNext[e + 1] = firstEdge[to]; firstEdge[to] = e + 1;
        edgeCount++;
    }

    /// <summary>Computes the maximum flow (= minimum cut value) and the cut; see <see cref="IsSinkSide"/>.</summary>
    public long Solve()
    {
        long flow = 0;
        // Paths source -> node -> sink need no search.
        for (var i = 0; i < nodeCount; i++)
        {
            var d = Math.Min(sourceCap[i], sinkCap[i]);
            sourceCap[i] -= d; sinkCap[i] -= d; flow += d;
        }
        if (edgeCount > 0)
        {
            while (true)
            {
                var last = FindAugmentingPath();
                if (last < 0) break;
                flow += Augment(last);
            }
        }
        MarkSinkSide();
        return flow;
    }

    /// <summary>True when <paramref name="node"/> is on the sink side of the minimum cut found by <see cref="Solve"/>.</summary>
    public bool IsSinkSide(int node) => sinkSide[node];

    // Breadth-first search from all nodes with residual source capacity; returns a node with residual
    // sink capacity reached by a shortest path, or -1.
    private int FindAugmentingPath()
    {
        NextStamp();
        int head = 0, tail = 0;
        for (var i = 0; i < nodeCount; i++)
        {
            if (sourceCap[i] > 0)
            {
                if (sinkCap[i] > 0) { parentEdge[i] = -1; visitStamp[i] = stamp; return i; }
                visitStamp[i] = stamp; parentEdge[i] = -1; queue[tail++] = i;
            }
        }
        while (head < tail)
        {
            var u = queue[head++];
            for (var e = firstEdge[u]; e >= 0; e = edgeNext[e])
            {
                if (edgeCap[e] <= 0) continue;
                var v = edgeTo[e];
                if (visitStamp[v] == stamp) continue;
                visitStamp[v] = stamp; parentEdge[v] = e;
                if (sinkCap[v] > 0) return v;
                queue[tail++] = v;
            }
        }
        return -1;
    }

    private long Augment(int last)
    {
        var bottleneck = sinkCap[last];
        var v = last;
        while (parentEdge[v] >= 0)
        {
            var e = parentEdge[v];
            bottleneck = Math.Min(bottleneck, edgeCap[e]);
            v = edgeTo[e ^ 1];
        }
        bottleneck = Math.Min(bottleneck, sourceCap[v]);
        sinkCap[last] -= bottleneck;
        v = last;
        while (parentEdge[v] >= 0)
        {
            var e = parentEdge[v];
            edgeCap[e] -= bottleneck;
            edgeCap[e ^ 1] += bottleneck;
            v = edgeTo[e ^ 1];
        }
        sourceCap[v] -= bottleneck;
        return bottleneck;
    }

    // Sink side = nodes that can still reach the sink in the residual graph (reverse search from the sink).
    private void MarkSinkSide()
    {
        int head = 0, tail = 0;
        for (var i = 0; i < nodeCount; i++)
        {
            var reaches = sinkCap[i] > 0;
            sinkSide[i] = reaches;
            if (reaches) queue[tail++] = i;
        }
        while (head < tail)
        {
            var u = queue[head++];
            // An edge v -> u with residual capacity lets v reach u; e leaves u, so e ^ 1 is v -> u.
            for (var e = firstEdge[u]; e >= 0; e = edgeNext[e])
            {
                var v = edgeTo[e];
                if (sinkSide[v] || edgeCap[e ^ 1] <= 0) continue;
                sinkSide[v] = true;
                queue[tail++] = v;
            }
        }
    }

    private void NextStamp()
    {
        if (++stamp == int.MaxValue)
        {
            Array.Clear(visitStamp);
            stamp = 1;
        }
    }
}

using System.Numerics;

namespace RLMix.Mixing.CoMixup;

/// <summary>
/// Alpha-beta swap (Boykov, Veksler and Zabih 2001) for a multi-label energy on an h x w grid with
/// 4-neighbour edges of one weight:
/// <c>E(l) = sum_k D[k, l_k] + w * sum_{(k,k') in N} V[l_k, l_k']</c>, with integer costs.
/// </summary>
/// <remarks>
/// Follows gco-v3.0 (the library pyGCO wraps, which Co-Mixup calls), so that the same costs give the
/// same labels: label pairs are visited in gco's fixed order (alpha = 0 with beta = L-1, L-2, ..., 1,
/// then alpha = 1, ...), pairs with no site carrying either label are skipped, sweeps repeat until
/// a sweep does not lower the energy, and in each move a site takes beta only when it can reach the
/// sink in the residual graph (gco's Boykov-Kolmogorov reports that cut; see <see cref="MaxFlow"/>).
/// V must be symmetric, non-negative and zero on the diagonal (a semi-metric, as swap requires).
/// Buffers are reused across calls; not thread-safe: one instance per thread.
/// </remarks>
public sealed class AlphaBetaSwap
{
    private readonly int height;
    private readonly int width;
    private readonly int cells;
    private readonly int maxLabels;
    private readonly GridMaxFlow? gridFlow; // grids of up to 64 cells
    private readonly MaxFlow maxFlow;       // larger grids
    private readonly int[] neighbours;  // [cell, 4]: left, right, up, down cell, -1 at the border
    private readonly int words;         // 64-bit words of one cell set
    private readonly ulong[] labelCells; // [label, words]: the cells carrying each label
    private readonly int[] node;        // cell -> node of the current move, -1 when not active (kept -1 between moves)
    private readonly int[] activeCells; // node -> cell
    private readonly long[] preference; // per cell: E(beta) - E(alpha) of its unary part in the current move
    private readonly int[] labelCount;
    private readonly int[] minUnary;    // per label, over cells
    private readonly int[] maxUnary;
    private readonly long[] areaStamp;  // change counter value when a cell or one of its neighbours last changed label
    private readonly long[] pairStamp;  // [alpha, beta]: change counter value right after the pair's last move
    private ulong usedLabels;           // bit l: some site carries label l (when there are at most 64 labels)
    private long changes;

    /// <summary>Allocates buffers for an <paramref name="height"/> x <paramref name="width"/> grid and up to <paramref name="maxLabels"/> labels.</summary>
    public AlphaBetaSwap(int height, int width, int maxLabels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLabels, 1);
        this.height = height;
        this.width = width;
        cells = height * width;
        this.maxLabels = maxLabels;
        if (cells <= GridMaxFlow.MaxCells) gridFlow = new GridMaxFlow(height, width);
        maxFlow = new MaxFlow(cells, (height - 1) * width + height * (width - 1));
        neighbours = new int[4 * cells];
        for (var k = 0; k < cells; k++)
        {
            int r = k / width, c = k - r * width;
            neighbours[4 * k] = c > 0 ? k - 1 : -1;
            neighbours[4 * k + 1] = c + 1 < width ? k + 1 : -1;
            neighbours[4 * k + 2] = r > 0 ? k - width : -1;
            neighbours[4 * k + 3] = r + 1 < height ? k + width : -1;
        }
        words = (cells + 63) / 64;
        labelCells = new ulong[maxLabels * words];
        node = new int[cells];
        Array.Fill(node, -1);
        activeCells = new int[cells];
        preference = new long[cells];
        labelCount = new int[maxLabels];
        minUnary = new int[maxLabels];
        maxUnary = new int[maxLabels];
        areaStamp = new long[cells];
        pairStamp = new long[maxLabels * maxLabels];
    }

    /// <summary>Number of swap moves run (trivial ones included, provably idle ones skipped) by the last <see cref="Minimize"/>.</summary>
    public int MovesLastRun { get; private set; }

    /// <summary>
    /// Minimizes the energy from the start labeling in <paramref name="labeling"/> (length h*w, row-major
    /// cells), which receives the result. <paramref name="unary"/> is <c>[cells, labels]</c> row-major,
    /// <paramref name="pairwise"/> is <c>[labels, labels]</c>. Returns the final energy.
    /// </summary>
    public long Minimize(ReadOnlySpan<int> unary, ReadOnlySpan<int> pairwise, int labels, int edgeWeight, Span<int> labeling)
    {
        Validate(unary, pairwise, labels, edgeWeight, labeling);
        return MinimizeUnchecked(unary, pairwise, labels, edgeWeight, labeling);
    }

    // Minimize without the checks, for a caller whose tables are valid by construction (CoMixupSolver).
    internal long MinimizeUnchecked(ReadOnlySpan<int> unary, ReadOnlySpan<int> pairwise, int labels, int edgeWeight, Span<int> labeling)
    {
        Array.Clear(labelCount, 0, labels);
        Array.Clear(labelCells, 0, labels * words);
        usedLabels = 0;
        for (var k = 0; k < cells; k++)
        {
            labelCount[labeling[k]]++;
            labelCells[labeling[k] * words + (k >> 6)] |= 1UL << (k & 63);
            usedLabels |= 1UL << labeling[k]; // only read when labels <= 64
        }
        MovesLastRun = 0;

        // Bounds for skipping moves that provably change nothing (exact: same result as running them).
        UnaryBounds(unary, labels);
        var maxPairwise = 0;
        for (var i = 0; i < labels * labels; i++) maxPairwise = Math.Max(maxPairwise, pairwise[i]);
        var maxNeighbourGain = 4L * edgeWeight * maxPairwise;

        changes = 1;
        Array.Clear(areaStamp);
        Array.Fill(pairStamp, -1, 0, labels * labels);

        var energy = Energy(unary, pairwise, labels, edgeWeight, labeling, height, width);
        var previous = energy + 1;
        while (previous > energy)
        {
            previous = energy;
            // gco's oneSwapIteration with the label table in its initial (identity) order.
            for (var alpha = 0; alpha < labels; alpha++)
            {
                for (var beta = labels - 1; beta > alpha; beta--)
                {
                    if (labelCount[alpha] == 0)
                    {
                        // Pairs of two unused labels are skipped: jump to the next used beta.
                        beta = HighestUsedLabel(beta, labels);
                        if (beta <= alpha) break;
                    }
                    // An unused beta that costs more everywhere than alpha anywhere, by more than any
                    // neighbour could give back, takes no site (and symmetrically for an unused alpha).
                    if (labelCount[beta] == 0 && (long)minUnary[beta] - maxUnary[alpha] >= maxNeighbourGain) continue;
                    if (labelCount[alpha] == 0 && (long)minUnary[alpha] - maxUnary[beta] > maxNeighbourGain) continue;
                    if (SwapMove(alpha, beta, unary, pairwise, labels, edgeWeight, labeling)) MovesLastRun++;
                }
            }
            energy = Energy(unary, pairwise, labels, edgeWeight, labeling, height, width);
        }
        return energy;
    }

    // Each label's lowest and highest unary over the cells, a vector of labels at a time.
    private void UnaryBounds(ReadOnlySpan<int> unary, int labels)
    {
        var min = minUnary.AsSpan(0, labels);
        var max = maxUnary.AsSpan(0, labels);
        unary[..labels].CopyTo(min);
        unary[..labels].CopyTo(max);
        var lanes = Vector<int>.Count;
        for (var k = 1; k < cells; k++)
        {
            var row = unary.Slice(k * labels, labels);
            var l = 0;
            for (; l + lanes <= labels; l += lanes)
            {
                var v = new Vector<int>(row[l..]);
                Vector.Min(new Vector<int>(min[l..]), v).CopyTo(min[l..]);
                Vector.Max(new Vector<int>(max[l..]), v).CopyTo(max[l..]);
            }
            for (; l < labels; l++)
            {
                min[l] = Math.Min(min[l], row[l]);
                max[l] = Math.Max(max[l], row[l]);
            }
        }
    }

    // The highest label <= beta that some site carries, or -1.
    private int HighestUsedLabel(int beta, int labels)
    {
        if (labels <= 64)
        {
            var used = usedLabels & (ulong.MaxValue >> (63 - beta));
            return used == 0 ? -1 : 63 - BitOperations.LeadingZeroCount(used);
        }
        while (beta >= 0 && labelCount[beta] == 0) beta--;
        return beta;
    }

    /// <summary>The energy of <paramref name="labeling"/> (see the class summary).</summary>
    public static long Energy(ReadOnlySpan<int> unary, ReadOnlySpan<int> pairwise, int labels, int edgeWeight, ReadOnlySpan<int> labeling, int height, int width)
    {
        long e = 0;
        for (var k = 0; k < labeling.Length; k++) e += unary[k * labels + labeling[k]];
        long smooth = 0;
        for (var r = 0; r < height; r++)
        {
            for (var c = 0; c < width; c++)
            {
                var k = r * width + c;
                var row = labeling[k] * labels;
                if (c + 1 < width) smooth += pairwise[row + labeling[k + 1]];
                if (r + 1 < height) smooth += pairwise[row + labeling[k + width]];
            }
        }
        return e + smooth * edgeWeight;
    }

    // One alpha-beta swap: the sites labeled alpha or beta choose between the two labels by a minimum cut
    // (source side = alpha, sink side = beta). Returns false when the move was skipped because nothing it
    // depends on (the labels of its sites and of their neighbours) changed since it last ran: a move
    // applied to its own result changes nothing, and sites that left the move without touching the
    // remaining ones do not affect them, so skipping gives the same labeling.
    private bool SwapMove(int alpha, int beta, ReadOnlySpan<int> unary, ReadOnlySpan<int> pairwise, int labels, int w, Span<int> labeling)
    {
        var since = pairStamp[alpha * labels + beta];
        var changed = false;
        var size = 0;
        // Only the sites of the two labels (a cell set per label), not the whole grid.
        for (var word = 0; word < words; word++)
        {
            var bits = labelCells[alpha * words + word] | labelCells[beta * words + word];
            while (bits != 0)
            {
                var k = (word << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                node[k] = size;
                activeCells[size++] = k;
                changed |= areaStamp[k] > since;
            }
        }
        if (changed) Move(alpha, beta, size, unary, pairwise, labels, w, labeling);
        for (var i = 0; i < size; i++) node[activeCells[i]] = -1;
        return changed;
    }

    // The move on the active sites activeCells[0..size).
    private void Move(int alpha, int beta, int size, ReadOnlySpan<int> unary, ReadOnlySpan<int> pairwise, int labels, int w, Span<int> labeling)
    {
        var anyPrefersBeta = false;
        var allPreferBeta = true;
        var rowA = alpha * labels;
        var rowB = beta * labels;
        var toAlpha = pairwise.Slice(rowA, labels);
        var toBeta = pairwise.Slice(rowB, labels);
        for (var i = 0; i < size; i++)
        {
            var k = activeCells[i];
            long d = unary[k * labels + beta] - unary[k * labels + alpha];
            // Neighbours outside the move act as fixed labels: their edge costs become unary terms
            // (summed first, then weighted once: the same integer).
            long edges = 0;
            var around = neighbours.AsSpan(4 * k, 4);
            foreach (var nb in around)
            {
                if (nb >= 0 && node[nb] < 0) edges += toBeta[labeling[nb]] - toAlpha[labeling[nb]];
            }
            d += w * edges;
            preference[k] = d;
            if (d < 0) anyPrefersBeta = true;
            else allPreferBeta = false;
        }

        if (!anyPrefersBeta)
        {
            // Every site weakly prefers alpha and the pairwise terms only cost when labels differ,
            // so all-alpha is the minimum with the smallest sink side: the cut needs no flow.
            for (var i = 0; i < size; i++) SetLabel(activeCells[i], alpha, labeling);
        }
        else if (allPreferBeta)
        {
            // Every site strictly prefers beta: all-beta is the unique minimum.
            for (var i = 0; i < size; i++) SetLabel(activeCells[i], beta, labeling);
        }
        else
        {
            // pairwise is symmetric: an edge between the two labels costs the same either way.
            long cut = (long)w * pairwise[rowA + beta];
            if (gridFlow is not null)
            {
                var sinkSide = gridFlow.MinCut(labelCells[alpha] | labelCells[beta], preference, cut);
                for (var i = 0; i < size; i++) SetLabel(activeCells[i], (sinkSide >> activeCells[i] & 1) != 0 ? beta : alpha, labeling);
            }
            else
            {
                CutWithEdgeLists(size, cut);
                for (var i = 0; i < size; i++) SetLabel(activeCells[i], maxFlow.IsSinkSide(i) ? beta : alpha, labeling);
            }
        }
        pairStamp[alpha * labels + beta] = changes;
    }

    // The same cut for grids too large for a 64-bit cell mask, on MaxFlow's edge lists (nodes 0..size).
    private void CutWithEdgeLists(int size, long cut)
    {
        maxFlow.Reset(size);
        for (var i = 0; i < size; i++)
        {
            var d = preference[activeCells[i]];
            if (d > 0) maxFlow.AddTerminalWeights(i, d, 0);
            else if (d < 0) maxFlow.AddTerminalWeights(i, 0, -d);
        }
        if (cut > 0)
        {
            for (var i = 0; i < size; i++)
            {
                // Right and down neighbours: each edge once.
                var k = activeCells[i];
                var right = neighbours[4 * k + 1];
                if (right >= 0 && node[right] >= 0) maxFlow.AddEdge(i, node[right], cut, cut);
                var down = neighbours[4 * k + 3];
                if (down >= 0 && node[down] >= 0) maxFlow.AddEdge(i, node[down], cut, cut);
            }
        }
        maxFlow.Solve();
    }

    private void SetLabel(int cell, int label, Span<int> labeling)
    {
        var old = labeling[cell];
        if (old == label) return;
        if (--labelCount[old] == 0) usedLabels &= ~(1UL << old);
        labelCount[label]++;
        usedLabels |= 1UL << label;
        labeling[cell] = label;
        labelCells[old * words + (cell >> 6)] &= ~(1UL << (cell & 63));
        labelCells[label * words + (cell >> 6)] |= 1UL << (cell & 63);
        // A change matters to moves on this cell and on its neighbours.
        areaStamp[cell] = ++changes;
        for (var side = 4 * cell; side < 4 * cell + 4; side++)
            if (neighbours[side] >= 0) areaStamp[neighbours[side]] = changes;
    }

    private void Validate(ReadOnlySpan<int> unary, ReadOnlySpan<int> pairwise, int labels, int edgeWeight, ReadOnlySpan<int> labeling)
    {
        if (labels < 1 || labels > maxLabels) throw new ArgumentOutOfRangeException(nameof(labels), $"labels must be in [1, {maxLabels}], got {labels}.");
        if (unary.Length < cells * labels) throw new ArgumentException($"unary needs {cells * labels} entries, got {unary.Length}.", nameof(unary));
        if (pairwise.Length < labels * labels) throw new ArgumentException($"pairwise needs {labels * labels} entries, got {pairwise.Length}.", nameof(pairwise));
        if (labeling.Length != cells) throw new ArgumentException($"labeling needs {cells} entries, got {labeling.Length}.", nameof(labeling));
        if (edgeWeight < 0) throw new ArgumentOutOfRangeException(nameof(edgeWeight), "The edge weight must be non-negative.");
        for (var a = 0; a < labels; a++)
        {
            if (pairwise[a * labels + a] != 0) throw new ArgumentException("pairwise must be zero on the diagonal.", nameof(pairwise));
            for (var b = a + 1; b < labels; b++)
            {
                var v = pairwise[a * labels + b];
                if (v < 0 || v != pairwise[b * labels + a]) throw new ArgumentException("pairwise must be symmetric and non-negative.", nameof(pairwise));
            }
        }
        foreach (var l in labeling)
        {
            if ((uint)l >= (uint)labels) throw new ArgumentOutOfRangeException(nameof(labeling), $"label {l} is outside [0, {labels}).");
        }
    }
}

// Co-Mixup, Algorithm 1 (Kim et al., ICLR 2021): iterative submodular minimization of equation 1,
// one output at a time, with the compatibility term modularized by equation 2 and each output's
// multi-label problem solved by alpha-beta swap graph cuts.
//
// Where the paper is silent this follows the official code (snu-mllab/Co-Mixup, match.py
// get_onehot_matrix / graphcut_wrapper / graphcut_multi / resolve_label / obj_fn, mixup.py
// mixup_process, main.py) and pyGCO/gco-v3.0, which it calls:
//  1. Scaling: beta, gamma and eta are divided by n = h*w and tau is multiplied by n (a threshold on
//     cell counts). The paper only says tau is "normalized".
//  2. Prior: lambda ~ Dirichlet(alpha*1_m) is drawn once per partition and enters only as the modular
//     cost -eta*log(lambda_i + 1e-8) added to every cell of input i (not a multinomial over cells).
//  3. Equation 2's clipping is "hard", computed as the official expression
//     2 * gamma * ((A @ p > thres).float() * A @ p) evaluates in Python (* and @ share a precedence and
//     associate left): input i costs 2*gamma * sum_i' A[i,i'] 1[v_i' > tau*n] o_{-j,i'} in every cell,
//     with v = A o_{-j}; the mask selects columns of A. "Soft", 2*gamma*max(0, v_i - tau*n), is the
//     paper's max{tau', v} and an option. See NOTES.md ("The hard threshold").
//  4. Outputs are visited in order j = 1..m' and each sees the already-updated earlier outputs
//     (Gauss-Seidel), with o_{-j} kept as a running sum of counts.
//  5. |L| = 3 (Appendix C): in the first outer iteration every cell takes one input. Later, if the
//     output's current labeling uses exactly two inputs {a, b}, one extra label 1/2 a + 1/2 b is added;
//     with three or more, the three most used inputs a < b < c (ties: lower index; the official torch.topk's
//     order among ties depends on library and device, see NOTES.md) give extra labels
//     (a,b), (a,c), (b,c). An extra label's unary is the mean of its two inputs' costs minus 5e-4
//     (a bonus for mixing); its smoothness cost is 0.25 to each of its two inputs and 1 to every other
//     label. Plain labels stay available.
//  6. set_resolve: after outer iteration T-2, every pair of outputs j1 < j2 that uses exactly the same
//     set of two or more inputs gets +gamma/n on j1's first and j2's second input (by index) for the
//     remaining iteration.
//  7. Stopping: after each outer iteration the unclipped objective with A = I (official obj_fn: unary
//     with prior + smoothness + gamma*(||sum_j o_j||^2 - sum_j ||o_j||^2)) is computed; the loop stops
//     when its relative change is below 1e-6. T = 4 outer iterations at most.
//  8. Initialization: i.i.d. uniform input per output and cell (used for the counts o_{-j} of the
//     other outputs); each output's graph cut itself starts from label 0 everywhere, as gco does.
//  9. Graph cut: gco's alpha-beta swap, fixed label-pair order, repeated until a sweep does not
//     lower the energy, on the 4-neighbour grid with every edge weight beta/n.
// 10. Integer energies, as pyGCO: unary * 1e5, edge weight * 1e3, smoothness costs * 100, each
//     truncated toward zero (through float32, as numpy does), summed in 64-bit. Chosen over float
//     energies so that the max-flow is exact and ties are resolved exactly as gco resolves them; the
//     resolution (1e-5 on costs of order 1/n) is far below anything that matters.
// 11. Unary: c = -(saliency average-pooled to the grid, normalized to sum 1 per image). A_c: L1
//     distance between the argmax locations of the saliency average-pooled with kernel 8, stride 1
//     (as window sums in float64: CoMixup.SalientLocations), rescaled per partition to sum m;
//     A = (1-omega) I + omega A_c. (CoMixup.Solve builds these.)
// 12. Batch partition: consecutive chunks of 20, each with m = m' = chunk size; the last may be smaller.
// Guards added here (the official code yields NaN or fails): a partition whose A_c sums to zero (all
// argmax locations equal, or one image) uses A = (1-omega) I; an image with zero total saliency gets
// the uniform cost -1/n; a partition of one image returns the identity.
namespace RLMix.Mixing.CoMixup;

/// <summary>Statistics of one solved partition.</summary>
/// <param name="Iterations">Outer iterations run (at most <see cref="CoMixupOptions.Iterations"/>).</param>
/// <param name="Objective">The official stopping objective (unclipped, A = I, prior included) at the end.</param>
/// <param name="SwapMoves">Swap moves (binary graph cuts) run over all outputs.</param>
public readonly record struct CoMixupPartitionStats(int Iterations, double Objective, int SwapMoves);

/// <summary>
/// Algorithm 1 for one partition of m inputs and m' = m outputs on an h x w grid. Reuses its buffers:
/// create one per thread.
/// </summary>
public sealed class CoMixupSolver
{
    /// <summary>Bonus subtracted from the unary of half-half labels (official code).</summary>
    public const double HalfLabelBonus = 5e-4;

    /// <summary>Smoothness cost between a half-half label and each of its two inputs (official code).</summary>
    public const double HalfLabelSmoothness = 0.25;

    private const float UnaryScale = 1e5f;     // pyGCO _UNARY_FLOAT_PRECISION
    private const float EdgeScale = 1e3f;      // pyGCO _PAIRWISE_FLOAT_PRECISION
    private const float SmoothScale = 100f;    // pyGCO _SMOOTH_COST_PRECISION

    private readonly CoMixupOptions options;
    private readonly int height;
    private readonly int width;
    private readonly int cells;
    private readonly int maxInputs;
    private readonly AlphaBetaSwap swap;
    private readonly double[] cost;          // [m, n] unary with prior
    private readonly double[] lambda;
    private readonly double[] othersCounts;  // o_{-j}
    private readonly double[] labelCount;    // o_j
    private readonly double[] modular;
    private readonly double[] addCost;       // [m', m] set_resolve costs
    private readonly int[] unaryInt;         // [n, L]
    private readonly int[] pairwiseInt;      // [L, L]
    private readonly int[] labeling;
    private readonly int[] extraFirst = new int[3];
    private readonly int[] extraSecond = new int[3];
    private readonly bool[] assigned;        // [m', m]
    private IEnumerator<(int, int, int)>? givenTopThree;

    /// <summary>Creates a solver for partitions of up to <see cref="CoMixupOptions.PartitionSize"/> inputs on an <paramref name="height"/> x <paramref name="width"/> grid.</summary>
    public CoMixupSolver(CoMixupOptions options, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        this.height = height;
        this.width = width;
        cells = height * width;
        maxInputs = options.PartitionSize;
        var maxLabels = maxInputs + 3;
        swap = new AlphaBetaSwap(height, width, maxLabels);
        cost = new double[maxInputs * cells];
        lambda = new double[maxInputs];
        othersCounts = new double[maxInputs];
        labelCount = new double[maxInputs];
        modular = new double[maxInputs];
        addCost = new double[maxInputs * maxInputs];
        unaryInt = new int[cells * maxLabels];
        pairwiseInt = new int[maxLabels * maxLabels];
        labeling = new int[cells];
        assigned = new bool[maxInputs * maxInputs];
    }

    /// <summary>
    /// Solves one partition. <paramref name="unaryCost"/> is c <c>[m, n]</c> (c = -normalized pooled
    /// saliency, without prior), <paramref name="compatibility"/> is A <c>[m, m]</c>. The labeling is
    /// written to <paramref name="first"/> and <paramref name="second"/> (<c>[m', n]</c>, input indices
    /// local to the partition, see <see cref="CoMixupObjective"/>). <paramref name="random"/> supplies
    /// the Dirichlet prior and the initialization.
    /// </summary>
    public CoMixupPartitionStats SolvePartition(ReadOnlySpan<double> unaryCost, ReadOnlySpan<double> compatibility, Random random, Span<int> first, Span<int> second) =>
        SolvePartition(unaryCost, compatibility, random, first, second, stop: null);

    /// <summary>
    /// As <see cref="SolvePartition(ReadOnlySpan{double}, ReadOnlySpan{double}, Random, Span{int}, Span{int})"/>, but
    /// abandoned between two outputs' cuts once <paramref name="stop"/> returns true: the labeling is then incomplete
    /// and the returned objective is NaN. Used when another thread may finish the same partition first
    /// (<see cref="HedgedPartitions"/>).
    /// </summary>
    public CoMixupPartitionStats SolvePartition(ReadOnlySpan<double> unaryCost, ReadOnlySpan<double> compatibility, Random random, Span<int> first, Span<int> second, Func<bool>? stop)
    {
        ArgumentNullException.ThrowIfNull(random);
        var m = CheckShapes(unaryCost, compatibility, first, second);
        if (m == 1)
        {
            first.Clear(); second.Clear();
            return new CoMixupPartitionStats(0, 0, 0);
        }

        // Prior (choice 2), then the i.i.d. initialization (choice 8).
        var prior = lambda.AsSpan(0, m);
        Dirichlet.Sample(random, options.Alpha, prior);
        for (var idx = 0; idx < first.Length; idx++) first[idx] = random.Next(m);
        return SolveFrom(unaryCost, compatibility, prior, first, second, stop);
    }

    /// <summary>
    /// Solves one partition from a given Dirichlet draw <paramref name="prior"/> <c>[m]</c> and initial
    /// labeling <paramref name="initial"/> <c>[m', n]</c> (one input per cell), the two random draws the
    /// other overload makes, so that a recorded run of the official code can be replayed exactly.
    /// <paramref name="topThree"/>, if given, supplies the three most used inputs of each multi-label
    /// cut in the order the cuts run, in place of this solver's tie rule (lower index first): the
    /// official code takes them from <c>torch.topk</c>, whose order among equal counts depends on the
    /// device and library. Each supplied triple must be a valid top three of the current counts.
    /// </summary>
    public CoMixupPartitionStats SolvePartition(ReadOnlySpan<double> unaryCost, ReadOnlySpan<double> compatibility, ReadOnlySpan<double> prior, ReadOnlySpan<int> initial, Span<int> first, Span<int> second, IEnumerable<(int, int, int)>? topThree = null)
    {
        var m = CheckShapes(unaryCost, compatibility, first, second);
        if (prior.Length != m) throw new ArgumentException($"prior must have {m} entries; got {prior.Length}.", nameof(prior));
        if (initial.Length != first.Length) throw new ArgumentException($"initial must have {first.Length} entries; got {initial.Length}.", nameof(initial));
        foreach (var label in initial)
            if (label < 0 || label >= m) throw new ArgumentException($"initial labels must be in [0, {m}); got {label}.", nameof(initial));
        initial.CopyTo(first);
        givenTopThree = topThree?.GetEnumerator();
        try
        {
            var stats = SolveFrom(unaryCost, compatibility, prior, first, second, stop: null);
            if (givenTopThree?.MoveNext() == true) throw new ArgumentException("More top-three choices were given than the solver made multi-label cuts.", nameof(topThree));
            return stats;
        }
        finally
        {
            givenTopThree?.Dispose();
            givenTopThree = null;
        }
    }

    private int CheckShapes(ReadOnlySpan<double> unaryCost, ReadOnlySpan<double> compatibility, Span<int> first, Span<int> second)
    {
        var n = cells;
        var m = unaryCost.Length / n;
        if (m < 1 || m > maxInputs || unaryCost.Length != m * n)
            throw new ArgumentException($"unaryCost must be [m, {n}] with 1 <= m <= {maxInputs}; got {unaryCost.Length} values.", nameof(unaryCost));
        if (compatibility.Length != m * m) throw new ArgumentException($"compatibility must be [{m}, {m}].", nameof(compatibility));
        if (first.Length != m * n || second.Length != m * n) throw new ArgumentException($"first and second must have {m * n} entries.");
        return m;
    }

    // Algorithm 1 from the initial labeling in first (one input per cell) and the prior draw.
    private CoMixupPartitionStats SolveFrom(ReadOnlySpan<double> unaryCost, ReadOnlySpan<double> compatibility, ReadOnlySpan<double> prior, Span<int> first, Span<int> second, Func<bool>? stop)
    {
        var n = cells;
        var m = prior.Length;
        if (m == 1)
        {
            first.Clear(); second.Clear();
            return new CoMixupPartitionStats(0, 0, 0);
        }

        // Scaling of the official code (choice 1).
        double beta = options.Beta / n, gamma = options.Gamma / n, eta = options.Eta / n, threshold = options.Tau * n;

        for (var i = 0; i < m; i++)
        {
            var priorCost = -eta * Math.Log(prior[i] + 1e-8);
            for (var k = 0; k < n; k++) cost[i * n + k] = unaryCost[i * n + k] + priorCost;
        }
        first.CopyTo(second);

        var costs = cost.AsSpan(0, m * n);
        var objective = new CoMixupObjective(m, m, height, width, costs, compatibility, beta, gamma);
        var stopping = new CoMixupObjective(m, m, height, width, costs, ReadOnlySpan<double>.Empty, beta, gamma);
        var lossPrevious = stopping.Value(first, second);

        var others = othersCounts.AsSpan(0, m);
        others.Clear();
        for (var idx = 0; idx < m * n; idx++)
        {
            others[first[idx]] += 0.5;
            others[second[idx]] += 0.5;
        }

        var useAddCost = false;
        var moves = 0;
        var iterations = 0;
        var loss = lossPrevious;
        var edgeWeight = (int)((float)beta * EdgeScale);
        for (var t = 0; t < options.Iterations; t++)
        {
            iterations++;
            for (var j = 0; j < m; j++)
            {
                if (stop?.Invoke() == true) return new CoMixupPartitionStats(iterations, double.NaN, moves);
                var zFirst = first.Slice(j * n, n);
                var zSecond = second.Slice(j * n, n);
                var count = labelCount.AsSpan(0, m);
                CountLabels(zFirst, zSecond, count);
                for (var i = 0; i < m; i++) others[i] -= count[i];

                // Equation 2: modular approximation of the clipped compatibility term.
                objective.ModularPenalty(others, threshold, options.Threshold, modular);
                for (var i = 0; i < m; i++)
                {
                    if (useAddCost) modular[i] += gamma * addCost[j * m + i];
                }

                moves += SolveOutput(m, t, count, edgeWeight, zFirst, zSecond);

                CountLabels(zFirst, zSecond, count);
                for (var i = 0; i < m; i++) others[i] += count[i];
            }

            if (t == options.Iterations - 2 && options.SetResolve)
            {
                ResolveLabels(m, first, second);
                useAddCost = true;
            }

            loss = stopping.Value(first, second);
            if (Math.Abs(lossPrevious - loss) / Math.Abs(loss) < options.Tolerance) break;
            lossPrevious = loss;
        }
        return new CoMixupPartitionStats(iterations, loss, moves);
    }

    // graphcut_wrapper + graphcut_multi (choices 5, 9, 10): builds output j's multi-label problem
    // from cost + modular, solves it by alpha-beta swap and writes z_j.
    private int SolveOutput(int m, int t, ReadOnlySpan<double> count, int edgeWeight, Span<int> zFirst, Span<int> zSecond)
    {
        var n = cells;
        var extras = 0;
        if (t > 0 && options.MultiLabel)
        {
            var used = 0;
            for (var i = 0; i < m; i++) if (count[i] > 0) used++;
            if (used == 2)
            {
                int a = -1, b = -1;
                for (var i = 0; i < m; i++)
                {
                    if (count[i] <= 0) continue;
                    if (a < 0) a = i; else b = i;
                }
                extraFirst[0] = a; extraSecond[0] = b;
                extras = 1;
            }
            else if (used >= 3)
            {
                Top3(count, m, out var a, out var b, out var c);
                extraFirst[0] = a; extraSecond[0] = b;
                extraFirst[1] = a; extraSecond[1] = c;
                extraFirst[2] = b; extraSecond[2] = c;
                extras = 3;
            }
        }

        var labels = m + extras;
        for (var i = 0; i < m; i++)
        {
            // One input's cells (contiguous in cost) into its column of [n, L].
            var costs = cost.AsSpan(i * n, n);
            var penalty = modular[i];
            for (var k = 0; k < n; k++) unaryInt[k * labels + i] = Quantize(costs[k] + penalty);
        }
        for (var k = 0; k < n; k++)
        {
            var row = k * labels;
            for (var e = 0; e < extras; e++)
            {
                // Mean of the two float32 costs minus the bonus, as the official float32 tensors.
                var ca = (float)(cost[extraFirst[e] * n + k] + modular[extraFirst[e]]);
                var cb = (float)(cost[extraSecond[e] * n + k] + modular[extraSecond[e]]);
                unaryInt[row + m + e] = Quantize((ca + cb) / 2f - (float)HalfLabelBonus);
            }
        }

        var full = (int)SmoothScale;
        var half = (int)((float)HalfLabelSmoothness * SmoothScale);
        pairwiseInt.AsSpan(0, labels * labels).Fill(full);
        for (var a = 0; a < labels; a++) pairwiseInt[a * labels + a] = 0;
        for (var e = 0; e < extras; e++)
        {
            var x = m + e;
            pairwiseInt[x * labels + extraFirst[e]] = pairwiseInt[extraFirst[e] * labels + x] = half;
            pairwiseInt[x * labels + extraSecond[e]] = pairwiseInt[extraSecond[e] * labels + x] = half;
        }

        Array.Clear(labeling); // gco starts from label 0 everywhere
        // The tables are valid by construction (symmetric, zero diagonal, labels from 0): no re-check per cut.
        swap.MinimizeUnchecked(unaryInt.AsSpan(0, n * labels), pairwiseInt.AsSpan(0, labels * labels), labels, edgeWeight, labeling);

        for (var k = 0; k < n; k++)
        {
            var l = labeling[k];
            if (l < m) { zFirst[k] = l; zSecond[k] = l; }
            else { zFirst[k] = extraFirst[l - m]; zSecond[k] = extraSecond[l - m]; }
        }
        return swap.MovesLastRun;
    }

    // resolve_label (choice 6): pairs of outputs with the same set of (two or more) inputs.
    private void ResolveLabels(int m, ReadOnlySpan<int> first, ReadOnlySpan<int> second)
    {
        var n = cells;
        Array.Clear(assigned, 0, m * m);
        Array.Clear(addCost, 0, m * m);
        for (var j = 0; j < m; j++)
        {
            for (var k = 0; k < n; k++)
            {
                assigned[j * m + first[j * n + k]] = true;
                assigned[j * m + second[j * n + k]] = true;
            }
        }
        for (var j1 = 0; j1 < m; j1++)
        {
            for (var j2 = j1 + 1; j2 < m; j2++)
            {
                if (!SameSet(j1, j2, m)) continue;
                int firstInput = -1, secondInput = -1;
                for (var i = 0; i < m; i++)
                {
                    if (!assigned[j1 * m + i]) continue;
                    if (firstInput < 0) firstInput = i;
                    else { secondInput = i; break; }
                }
                if (secondInput < 0) continue; // a single input: nothing to resolve
                addCost[j1 * m + firstInput] = 1;
                addCost[j2 * m + secondInput] = 1;
            }
        }
    }

    private bool SameSet(int j1, int j2, int m)
    {
        for (var i = 0; i < m; i++)
        {
            if (assigned[j1 * m + i] != assigned[j2 * m + i]) return false;
        }
        return true;
    }

    private void CountLabels(ReadOnlySpan<int> zFirst, ReadOnlySpan<int> zSecond, Span<double> count)
    {
        count.Clear();
        for (var k = 0; k < cells; k++)
        {
            count[zFirst[k]] += 0.5;
            count[zSecond[k]] += 0.5;
        }
    }

    // The three most used inputs (ties: lower index), returned in index order.
    private void Top3(ReadOnlySpan<double> count, int m, out int a, out int b, out int c)
    {
        if (givenTopThree is not null)
        {
            if (!givenTopThree.MoveNext()) throw new InvalidOperationException("Fewer top-three choices were given than the solver made multi-label cuts.");
            GivenTop3(count, m, givenTopThree.Current, out a, out b, out c);
            return;
        }
        int t0 = -1, t1 = -1, t2 = -1;
        for (var i = 0; i < m; i++)
        {
            var v = count[i];
            if (t0 < 0 || v > count[t0]) { t2 = t1; t1 = t0; t0 = i; }
            else if (t1 < 0 || v > count[t1]) { t2 = t1; t1 = i; }
            else if (t2 < 0 || v > count[t2]) { t2 = i; }
        }
        Span<int> top = [t0, t1, t2];
        top.Sort();
        a = top[0]; b = top[1]; c = top[2];
    }

    // A given triple is accepted only if no input outside it has a higher count than one inside it.
    private static void GivenTop3(ReadOnlySpan<double> count, int m, (int, int, int) given, out int a, out int b, out int c)
    {
        Span<int> top = [given.Item1, given.Item2, given.Item3];
        top.Sort();
        a = top[0]; b = top[1]; c = top[2];
        if (a < 0 || c >= m || a == b || b == c) throw new ArgumentException($"top three ({a}, {b}, {c}) must be three distinct inputs in [0, {m}).");
        var lowestInside = Math.Min(count[a], Math.Min(count[b], count[c]));
        for (var i = 0; i < m; i++)
        {
            if (i != a && i != b && i != c && count[i] > lowestInside)
                throw new ArgumentException($"top three ({a}, {b}, {c}) is not a top three of the label counts: input {i} is used {count[i]} times, more than {lowestInside}.");
        }
    }

    private static int Quantize(double value) => Quantize((float)value);

    private static int Quantize(float value)
    {
        var scaled = value * UnaryScale;
        if (!(Math.Abs(scaled) < int.MaxValue)) throw new InvalidOperationException($"Co-Mixup unary cost {value} is not finite or too large for the integer graph cut.");
        return (int)scaled; // truncation toward zero, as numpy astype(intc)
    }
}

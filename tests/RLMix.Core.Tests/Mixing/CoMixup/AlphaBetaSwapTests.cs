using RLMix.Mixing.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class AlphaBetaSwapTests
{
    [Fact]
    public void Minimize_RandomProblems_NeverIncreasesTheEnergyAndReportsIt()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var p = Problem.Random(new Random(seed));
            var labeling = p.RandomLabeling(new Random(seed + 1000));
            var before = p.Energy(labeling);
            var swap = new AlphaBetaSwap(p.Height, p.Width, p.Labels);

            var reported = swap.Minimize(p.Unary, p.Pairwise, p.Labels, p.EdgeWeight, labeling);

            var after = p.Energy(labeling);
            Assert.Equal(after, reported);
            Assert.True(after <= before, $"seed {seed}: energy rose from {before} to {after}");
        }
    }

    [Fact]
    public void Minimize_TinyProblems_ReachesAMinimumNoSingleSwapImproves()
    {
        for (var seed = 0; seed < 150; seed++)
        {
            var p = Problem.Random(new Random(seed), maxSide: 3);
            var labeling = new int[p.Height * p.Width]; // gco's start: label 0 everywhere
            var swap = new AlphaBetaSwap(p.Height, p.Width, p.Labels);
            swap.Minimize(p.Unary, p.Pairwise, p.Labels, p.EdgeWeight, labeling);
            var energy = p.Energy(labeling);

            // Every binary relabeling of the sites labeled alpha or beta, for every pair.
            for (var alpha = 0; alpha < p.Labels; alpha++)
            {
                for (var beta = alpha + 1; beta < p.Labels; beta++)
                {
                    var active = Enumerable.Range(0, labeling.Length).Where(k => labeling[k] == alpha || labeling[k] == beta).ToArray();
                    var trial = (int[])labeling.Clone();
                    for (var mask = 0; mask < 1 << active.Length; mask++)
                    {
                        for (var i = 0; i < active.Length; i++) trial[active[i]] = (mask >> i & 1) == 1 ? beta : alpha;
                        Assert.True(p.Energy(trial) >= energy, $"seed {seed}: swap ({alpha},{beta}) improves the result");
                    }
                }
            }
        }
    }

    [Fact]
    public void Minimize_MatchesAPlainGcoSwapLoop_WithExhaustiveMoves()
    {
        // Reference: gco's loop without shortcuts; each move solved exhaustively and, among its optimal
        // relabelings, the one with the fewest beta sites (the cut Boykov-Kolmogorov reports).
        for (var seed = 0; seed < 150; seed++)
        {
            var p = Problem.Random(new Random(seed), maxSide: 3);
            var expected = PlainSwapLoop(p, ExhaustiveMove);

            var labeling = new int[p.Height * p.Width];
            new AlphaBetaSwap(p.Height, p.Width, p.Labels).Minimize(p.Unary, p.Pairwise, p.Labels, p.EdgeWeight, labeling);

            Assert.Equal(expected, labeling);
        }
    }

    [Fact]
    public void Minimize_GridsOverSixtyFourCells_MatchesAPlainGcoSwapLoop_WithMaxFlowMoves()
    {
        // Grids too large for GridMaxFlow's masks take the edge-list path; reference: gco's loop without
        // shortcuts, each move an explicit max-flow over the move's sites.
        for (var seed = 0; seed < 12; seed++)
        {
            var rng = new Random(seed);
            var p = Problem.Random(rng, maxSide: 4) with { Height = 8 + rng.Next(5), Width = 9 + rng.Next(4) };
            p = p with { Unary = Enumerable.Range(0, p.Height * p.Width * p.Labels).Select(_ => rng.Next(-50, 50)).ToArray() };
            var expected = PlainSwapLoop(p, MaxFlowMove);

            var labeling = new int[p.Height * p.Width];
            var reported = new AlphaBetaSwap(p.Height, p.Width, p.Labels).Minimize(p.Unary, p.Pairwise, p.Labels, p.EdgeWeight, labeling);

            Assert.Equal(expected, labeling);
            Assert.Equal(p.Energy(labeling), reported);
        }
    }

    /// <summary>gco's swap loop without shortcuts, from all-zero labels: every pair (alpha up, beta down) until a sweep lowers the energy no more.</summary>
    private static int[] PlainSwapLoop(Problem p, Action<Problem, int[], int, int> move)
    {
        var labeling = new int[p.Height * p.Width];
        var energy = p.Energy(labeling);
        var previous = energy + 1;
        while (previous > energy)
        {
            previous = energy;
            for (var alpha = 0; alpha < p.Labels; alpha++)
                for (var beta = p.Labels - 1; beta > alpha; beta--)
                    move(p, labeling, alpha, beta);
            energy = p.Energy(labeling);
        }
        return labeling;
    }

    private static void MaxFlowMove(Problem p, int[] labeling, int alpha, int beta)
    {
        int h = p.Height, w = p.Width, n = h * w;
        var index = new int[n];
        var count = 0;
        for (var k = 0; k < n; k++) index[k] = labeling[k] == alpha || labeling[k] == beta ? count++ : -1;
        if (count == 0) return;
        var flow = new MaxFlow(n, 2 * n);
        flow.Reset(count);
        for (var k = 0; k < n; k++)
        {
            if (index[k] < 0) continue;
            long d = p.Unary[k * p.Labels + beta] - p.Unary[k * p.Labels + alpha];
            foreach (var nb in new[] { k % w > 0 ? k - 1 : -1, k % w + 1 < w ? k + 1 : -1, k >= w ? k - w : -1, k + w < n ? k + w : -1 })
            {
                if (nb < 0) continue;
                if (index[nb] < 0) d += (long)p.EdgeWeight * (p.Pairwise[beta * p.Labels + labeling[nb]] - p.Pairwise[alpha * p.Labels + labeling[nb]]);
                else if (nb > k) flow.AddEdge(index[k], index[nb], (long)p.EdgeWeight * p.Pairwise[alpha * p.Labels + beta], (long)p.EdgeWeight * p.Pairwise[beta * p.Labels + alpha]);
            }
            flow.AddTerminalWeights(index[k], Math.Max(d, 0), Math.Max(-d, 0));
        }
        flow.Solve();
        for (var k = 0; k < n; k++)
            if (index[k] >= 0) labeling[k] = flow.IsSinkSide(index[k]) ? beta : alpha;
    }

    private static void ExhaustiveMove(Problem p, int[] labeling, int alpha, int beta)
    {
        var active = Enumerable.Range(0, labeling.Length).Where(k => labeling[k] == alpha || labeling[k] == beta).ToArray();
        if (active.Length == 0) return;
        var trial = (int[])labeling.Clone();
        long bestEnergy = long.MaxValue;
        int bestMask = 0, bestCount = int.MaxValue;
        for (var mask = 0; mask < 1 << active.Length; mask++)
        {
            for (var i = 0; i < active.Length; i++) trial[active[i]] = (mask >> i & 1) == 1 ? beta : alpha;
            var e = p.Energy(trial);
            var count = System.Numerics.BitOperations.PopCount((uint)mask);
            if (e < bestEnergy || (e == bestEnergy && count < bestCount)) { bestEnergy = e; bestMask = mask; bestCount = count; }
        }
        for (var i = 0; i < active.Length; i++) labeling[active[i]] = (bestMask >> i & 1) == 1 ? beta : alpha;
    }

    [Fact]
    public void Minimize_WithoutSmoothness_TakesEachSitesCheapestLabel()
    {
        // Distinct costs, edge weight 0: the optimum is the per-site argmin, which swap reaches.
        var unary = new[] { 5, 1, 9, /**/ 2, 8, 0, /**/ 7, 3, 4, /**/ 6, 6, 1 };
        var labeling = new int[4];
        var swap = new AlphaBetaSwap(2, 2, 3);
        var pairwise = new[] { 0, 10, 10, 10, 0, 10, 10, 10, 0 };
        var energy = swap.Minimize(unary, pairwise, 3, 0, labeling);
        Assert.Equal(new[] { 1, 2, 1, 2 }, labeling);
        Assert.Equal(1 + 0 + 3 + 1, energy);
    }

    [Fact]
    public void Minimize_StrongSmoothness_KeepsOneLabel()
    {
        // Site 3 alone prefers label 1 by 2, but each of its two edges costs 5: it stays with label 0.
        var unary = new[] { 0, 4, /**/ 0, 4, /**/ 0, 4, /**/ 3, 1 };
        var labeling = new int[4];
        var swap = new AlphaBetaSwap(2, 2, 2);
        var energy = swap.Minimize(unary, new[] { 0, 5, 5, 0 }, 2, 1, labeling);
        Assert.Equal(new[] { 0, 0, 0, 0 }, labeling);
        Assert.Equal(3, energy);
    }

    [Fact]
    public void Minimize_RejectsANonMetricSmoothness()
    {
        var swap = new AlphaBetaSwap(2, 2, 2);
        Assert.Throws<ArgumentException>(() => swap.Minimize(new int[8], new[] { 1, 2, 2, 0 }, 2, 1, new int[4]));
        Assert.Throws<ArgumentException>(() => swap.Minimize(new int[8], new[] { 0, 2, 3, 0 }, 2, 1, new int[4]));
    }

    private sealed record Problem(int Height, int Width, int Labels, int[] Unary, int[] Pairwise, int EdgeWeight)
    {
        public static Problem Random(Random rng, int maxSide = 4)
        {
            var h = rng.Next(1, maxSide + 1);
            var w = rng.Next(1, maxSide + 1);
            var labels = rng.Next(2, 6);
            var unary = new int[h * w * labels];
            for (var i = 0; i < unary.Length; i++) unary[i] = rng.Next(-50, 50);
            // A semi-metric with Co-Mixup's shape: 100 between most labels, 25 for some pairs.
            var pairwise = new int[labels * labels];
            for (var a = 0; a < labels; a++)
                for (var b = a + 1; b < labels; b++)
                    pairwise[a * labels + b] = pairwise[b * labels + a] = rng.Next(3) == 0 ? 25 : rng.Next(2) == 0 ? 100 : rng.Next(1, 60);
            return new Problem(h, w, labels, unary, pairwise, rng.Next(0, 3));
        }

        public int[] RandomLabeling(Random rng) => Enumerable.Range(0, Height * Width).Select(_ => rng.Next(Labels)).ToArray();

        // Independent energy: unary plus edge weight times V over right and down neighbours.
        public long Energy(int[] labeling)
        {
            long e = 0;
            for (var r = 0; r < Height; r++)
            {
                for (var c = 0; c < Width; c++)
                {
                    var k = r * Width + c;
                    e += Unary[k * Labels + labeling[k]];
                    if (c + 1 < Width) e += (long)EdgeWeight * Pairwise[labeling[k] * Labels + labeling[k + 1]];
                    if (r + 1 < Height) e += (long)EdgeWeight * Pairwise[labeling[k] * Labels + labeling[k + Width]];
                }
            }
            return e;
        }
    }
}

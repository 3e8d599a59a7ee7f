using RLMix.Mixing.CoMixup;
using Xunit.Abstractions;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class CoMixupSolverTests(ITestOutputHelper output)
{
    // Appendix D.1 / Table 6: Algorithm 1 against exhaustive search and a random guess, 100 seeds.
    // The objective is equation 1 with the clipping switched off (tau = 0; Proposition 2's case, where
    // each step of Algorithm 1 minimizes the modularized objective exactly), A = I, no prior (eta = 0),
    // the paper's beta = 0.32 and gamma = 1 (divided by n as in the official code), and unary costs drawn
    // uniformly from [0, 1) and normalized to sum 1 per input like the saliency costs (Appendix E).
    // Exhaustive search runs over the solver's whole label space (one input or a half-half pair per
    // cell). The random guess is an i.i.d. uniform labeling (Algorithm 1's initialization). Algorithm 1
    // runs as printed: T = 4 outer iterations (no early stop), with set_resolve and |L| = 3.
    [Theory]
    [InlineData(2, 2, 2, 0.004)]
    [InlineData(2, 3, 3, 0.01)]
    [InlineData(3, 2, 2, 0.002)]
    public void Algorithm1_PaperSmallSettings_RelativeErrorBelowOnePercent(int m, int h, int w, double paperRelativeError)
    {
        var n = h * w;
        var options = new CoMixupOptions { Beta = 0.32, Gamma = 1.0, Eta = 0, Tau = 0, PartitionSize = m, Tolerance = 0 };
        var bruteCache = new Dictionary<int, double>();
        var (ours, brute, random) = Compare(options, m, h, w, bruteCache);
        var relative = (ours - brute) / (random - brute);

        var withEarlyStop = Compare(options with { Tolerance = 1e-6 }, m, h, w, bruteCache);
        output.WriteLine($"m = m' = {m}, n = {n}: ours {ours:F4}, brute force {brute:F4}, random {random:F4}, relative error {relative:F4} (paper {paperRelativeError}); " +
                         $"with the official early stop: {(withEarlyStop.Ours - withEarlyStop.Brute) / (withEarlyStop.Random - withEarlyStop.Brute):F4}");
        Assert.True(ours >= brute - 1e-9, "Algorithm 1 cannot beat exhaustive search");
        Assert.True(relative < 0.01, $"relative error {relative:F4} for m = {m}, n = {n}");
    }

    [Fact]
    public void SolvePartition_SameSeed_GivesTheSameLabeling()
    {
        var options = new CoMixupOptions();
        var (cost, a) = SaliencyLikeProblem(new Random(7), 20, 16);
        var solver = new CoMixupSolver(options, 4, 4);
        int[] f1 = new int[320], s1 = new int[320], f2 = new int[320], s2 = new int[320];
        solver.SolvePartition(cost, a, new Random(11), f1, s1);
        solver.SolvePartition(cost, a, new Random(11), f2, s2);
        Assert.Equal(f1, f2);
        Assert.Equal(s1, s2);
        Assert.All(f1.Concat(s1), i => Assert.InRange(i, 0, 19));
    }

    [Theory]
    [InlineData(CoMixupThreshold.Hard, 0, 0)]
    [InlineData(CoMixupThreshold.Soft, 0, 0)]
    public void SolvePartition_OneCellPerOutput_TakesTheInputTheOfficialPenaltyMakesCheapest(CoMixupThreshold kind, int output0, int output1)
    {
        // m = m' = 2 on a 1x1 grid (n = 1, no smoothness), one outer iteration, one input per cell, eta 0:
        // each output takes argmin_i c_i + penalty_i given the other output's current input k.
        // c = (0, 0.15), gamma = 0.1, tau = 0.7, A = [[1, .5], [.5, 1]]; p = o_{-j} = e_k, v = A e_k.
        // Hard (official, mask on A's columns): k = 0: v = (1, .5), mask (1, 0), penalty 2*0.1*(A[0,0], A[1,0])
        //   = (0.2, 0.1): costs (0.2, 0.25) -> input 0. k = 1: v = (.5, 1), mask (0, 1), penalty 0.2*(.5, 1)
        //   = (0.1, 0.2): costs (0.1, 0.35) -> input 0. So output 0 takes input 0 whatever the random
        //   initialization, and output 1 (seeing k = 0) takes input 0 too.
        //   (The per-input reading would give k = 0: penalty (0.2, 0), costs (0.2, 0.15) -> input 1.)
        // Soft: k = 0: penalty 0.2*(0.3, 0) = (0.06, 0): costs (0.06, 0.15) -> 0; k = 1: (0, 0.06): (0, 0.21) -> 0.
        var options = new CoMixupOptions { Gamma = 0.1, Tau = 0.7, Eta = 0, Iterations = 1, MultiLabel = false, SetResolve = false, Threshold = kind };
        var solver = new CoMixupSolver(options, 1, 1);
        for (var seed = 0; seed < 20; seed++)
        {
            int[] f = new int[2], s = new int[2];
            solver.SolvePartition(new[] { 0.0, 0.15 }, new[] { 1, 0.5, 0.5, 1 }, new Random(seed), f, s);
            Assert.Equal(new[] { output0, output1 }, f);
        }
    }

    [Fact]
    public void SolvePartition_SingleLabelMode_AssignsOneInputPerCell()
    {
        var options = new CoMixupOptions { MultiLabel = false };
        var (cost, a) = SaliencyLikeProblem(new Random(3), 20, 16);
        int[] f = new int[320], s = new int[320];
        new CoMixupSolver(options, 4, 4).SolvePartition(cost, a, new Random(5), f, s);
        Assert.Equal(f, s);
    }

    [Fact]
    public void SolvePartition_OneInput_ReturnsThatInput()
    {
        int[] f = { 9, 9, 9, 9 }, s = { 9, 9, 9, 9 };
        var stats = new CoMixupSolver(new CoMixupOptions(), 2, 2).SolvePartition(new[] { -0.25, -0.25, -0.25, -0.25 }, new[] { 1.0 }, new Random(0), f, s);
        Assert.Equal(new int[4], f);
        Assert.Equal(new int[4], s);
        Assert.Equal(0, stats.Iterations);
    }

    [Fact]
    public void SolvePartition_DefaultSettings_MixesInputsAndUsesThemAll()
    {
        // With tau = 0.83 no input can be spread over most cells of the partition, so outputs mix.
        var (cost, a) = SaliencyLikeProblem(new Random(21), 20, 16);
        int[] f = new int[320], s = new int[320];
        new CoMixupSolver(new CoMixupOptions(), 4, 4).SolvePartition(cost, a, new Random(1), f, s);
        var inputsPerOutput = Enumerable.Range(0, 20).Select(j => f.Skip(j * 16).Take(16).Concat(s.Skip(j * 16).Take(16)).Distinct().Count()).ToArray();
        Assert.True(inputsPerOutput.Average() > 1.5, $"outputs use {inputsPerOutput.Average()} inputs on average");
    }

    [Fact]
    public void Compatibility_RescalesDistancesToSumM()
    {
        // Locations (0,0), (0,4), (3,0): L1 distances 4, 3, 7; the full matrix sums to 28.
        var a = RLMix.Mixing.CoMixup.CoMixup.Compatibility(new[] { 0, 0, 3 }, new[] { 0, 4, 0 }, 0.001);
        Assert.Equal(0.999, a[0], 12);
        Assert.Equal(0.001 * 4 * 3 / 28.0, a[1], 12);
        Assert.Equal(0.001 * 7 * 3 / 28.0, a[5], 12);
        Assert.Equal(a[1], a[3]);
    }

    [Fact]
    public void Compatibility_AllAtOneLocation_IsFiniteInsteadOfNaN()
    {
        var a = RLMix.Mixing.CoMixup.CoMixup.Compatibility(new[] { 2, 2 }, new[] { 5, 5 }, 0.001);
        Assert.Equal(new[] { 0.999, 0, 0, 0.999 }, a);
    }

    private static (double Ours, double Brute, double Random) Compare(CoMixupOptions options, int m, int h, int w, Dictionary<int, double> bruteCache)
    {
        var n = h * w;
        double beta = options.Beta / n, gamma = options.Gamma / n;
        var identity = new double[m * m];
        for (var i = 0; i < m; i++) identity[i * m + i] = 1;
        var solver = new CoMixupSolver(options, h, w);
        double ours = 0, brute = 0, random = 0;
        const int Seeds = 100;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var rng = new Random(seed);
            var cost = new double[m * n];
            for (var i = 0; i < m; i++)
            {
                var row = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
                var sum = row.Sum();
                for (var k = 0; k < n; k++) cost[i * n + k] = row[k] / sum;
            }
            int[] f = new int[m * n], s = new int[m * n];
            solver.SolvePartition(cost, identity, new Random(seed + 10_000), f, s);
            ours += DenseObjective.Value(cost, null, m, m, h, w, f, s, beta, gamma);

            var guess = Enumerable.Range(0, m * n).Select(_ => rng.Next(m)).ToArray();
            random += DenseObjective.Value(cost, null, m, m, h, w, guess, guess, beta, gamma);

            if (!bruteCache.TryGetValue(seed, out var exact)) bruteCache[seed] = exact = BruteForce(cost, m, h, w, beta, gamma);
            brute += exact;
        }
        return (ours / Seeds, brute / Seeds, random / Seeds);
    }

    // Exact minimum over every labeling of m outputs (each cell: one input or a half-half pair).
    // f = sum_j g(z_j) + gamma * (||sum_j o_j||^2 - sum_j ||o_j||^2), so for each count vector o the best
    // labeling of one output is found by enumerating its L^n labelings, then count vectors are combined.
    private static double BruteForce(double[] cost, int m, int h, int w, double beta, double gamma)
    {
        var n = h * w;
        var labels = new List<(int A, int B)>();
        for (var i = 0; i < m; i++) labels.Add((i, i));
        for (var a = 0; a < m; a++)
            for (var b = a + 1; b < m; b++) labels.Add((a, b));
        var count = labels.Count;
        var vectors = labels.Select(l => Enumerable.Range(0, m).Select(i => (l.A == i ? 0.5 : 0) + (l.B == i ? 0.5 : 0)).ToArray()).ToArray();
        var sq = new double[count, count];
        for (var x = 0; x < count; x++)
            for (var y = 0; y < count; y++)
                sq[x, y] = vectors[x].Zip(vectors[y], (p, q) => (p - q) * (p - q)).Sum();

        var best = new Dictionary<long, (double G, double[] O)>();
        var z = new int[n];
        var o = new double[m];
        long total = (long)Math.Pow(count, n);
        for (long code = 0; code < total; code++)
        {
            var c = code;
            for (var k = 0; k < n; k++) { z[k] = (int)(c % count); c /= count; }
            double g = 0;
            Array.Clear(o);
            long key = 0;
            for (var k = 0; k < n; k++)
            {
                for (var i = 0; i < m; i++)
                {
                    g += cost[i * n + k] * vectors[z[k]][i];
                    o[i] += vectors[z[k]][i];
                }
                int r = k / w, col = k % w;
                if (col + 1 < w) g += beta / 2 * sq[z[k], z[k + 1]];
                if (r + 1 < h) g += beta / 2 * sq[z[k], z[k + w]];
            }
            for (var i = 0; i < m; i++) key = key * (2 * n + 1) + (long)(2 * o[i]);
            if (!best.TryGetValue(key, out var current) || g < current.G) best[key] = (g, (double[])o.Clone());
        }

        var groups = best.Values.ToArray();
        var min = double.MaxValue;
        var pick = new int[m];
        var totalO = new double[m];
        // f is symmetric in the outputs, so non-decreasing group indices cover every combination.
        void Combine(int j, int from)
        {
            if (j == m)
            {
                var value = 0.0;
                double own = 0, all = 0;
                Array.Clear(totalO);
                foreach (var p in pick)
                {
                    value += groups[p].G;
                    for (var i = 0; i < m; i++) { totalO[i] += groups[p].O[i]; own += groups[p].O[i] * groups[p].O[i]; }
                }
                for (var i = 0; i < m; i++) all += totalO[i] * totalO[i];
                min = Math.Min(min, value + gamma * (all - own));
                return;
            }
            for (var p = from; p < groups.Length; p++) { pick[j] = p; Combine(j + 1, p); }
        }
        Combine(0, 0);
        return min;
    }

    // Blob-shaped saliency costs c = -normalized saliency and A from random salient locations.
    internal static (double[] Cost, double[] A) SaliencyLikeProblem(Random rng, int m, int n)
    {
        var side = (int)Math.Sqrt(n);
        var cost = new double[m * n];
        for (var i = 0; i < m; i++)
        {
            int cy = rng.Next(side), cx = rng.Next(side);
            var row = Enumerable.Range(0, n).Select(k => Math.Exp(-((k / side - cy) * (k / side - cy) + (k % side - cx) * (k % side - cx)) / 2.0) + 0.05 * rng.NextDouble()).ToArray();
            var sum = row.Sum();
            for (var k = 0; k < n; k++) cost[i * n + k] = -row[k] / sum;
        }
        var rows = Enumerable.Range(0, m).Select(_ => rng.Next(25)).ToArray();
        var cols = Enumerable.Range(0, m).Select(_ => rng.Next(25)).ToArray();
        return (cost, RLMix.Mixing.CoMixup.CoMixup.Compatibility(rows, cols, 0.001));
    }
}

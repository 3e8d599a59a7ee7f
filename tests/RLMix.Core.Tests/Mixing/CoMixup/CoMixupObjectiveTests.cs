using RLMix.Mixing.CoMixup;

namespace RLMix.Core.Tests.Mixing.CoMixup;

public sealed class CoMixupObjectiveTests
{
    [Fact]
    public void Value_RandomLabelingsWithHalfLabels_MatchesADenseComputation()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var rng = new Random(seed);
            int m = rng.Next(1, 5), mOut = rng.Next(1, 5), h = rng.Next(1, 4), w = rng.Next(1, 4), n = h * w;
            var cost = Enumerable.Range(0, m * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var a = RandomSymmetric(rng, m);
            var first = Enumerable.Range(0, mOut * n).Select(_ => rng.Next(m)).ToArray();
            var second = first.Select(f => rng.Next(2) == 0 ? f : rng.Next(m)).ToArray();
            double beta = rng.NextDouble(), gamma = rng.NextDouble();

            var objective = new CoMixupObjective(m, mOut, h, w, cost, a, beta, gamma);

            Assert.Equal(DenseObjective.Value(cost, a, m, mOut, h, w, first, second, beta, gamma), objective.Value(first, second), 9);
        }
    }

    [Fact]
    public void Value_WithoutCompatibility_UsesTheIdentity()
    {
        var rng = new Random(1);
        int m = 3, h = 2, w = 2;
        var cost = Enumerable.Range(0, m * 4).Select(_ => rng.NextDouble()).ToArray();
        var identity = new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        var first = new[] { 0, 1, 1, 2, 2, 2, 0, 1 };
        var second = new[] { 0, 2, 1, 2, 0, 2, 0, 0 };
        var withI = new CoMixupObjective(m, 2, h, w, cost, identity, 0.3, 0.7).Value(first, second);
        var without = new CoMixupObjective(m, 2, h, w, cost, ReadOnlySpan<double>.Empty, 0.3, 0.7).Value(first, second);
        Assert.Equal(withI, without, 12);
    }

    [Fact]
    public void ModularPenalty_HardAndSoft_FollowEquation2AsTheOfficialCode()
    {
        // A = [[1, .5], [.5, 1]], p = o_{-j} = (4, 2), threshold 4.5, gamma 0.25, so 2*gamma = 0.5.
        // v = A p = (4 + 1, 2 + 2) = (5, 4); mask 1[v > 4.5] = (1, 0).
        // Hard, official 2*gamma*((mask * A) @ p): mask * A scales A's columns = [[1, 0], [.5, 0]],
        //   (mask * A) @ p = (1*4 + 0*2, .5*4 + 0*2) = (4, 2), times 0.5 = (2.0, 1.0).
        // Soft, 2*gamma*mask*(v - 4.5) = 0.5 * (0.5, 0) = (0.25, 0).
        var objective = new CoMixupObjective(2, 2, 1, 1, new double[2], new[] { 1, 0.5, 0.5, 1 }, 0, 0.25);
        var penalty = new double[2];
        objective.ModularPenalty(new double[] { 4, 2 }, 4.5, CoMixupThreshold.Hard, penalty);
        Assert.Equal(new[] { 2.0, 1.0 }, penalty);
        objective.ModularPenalty(new double[] { 4, 2 }, 4.5, CoMixupThreshold.Soft, penalty);
        Assert.Equal(new[] { 0.25, 0 }, penalty);
    }

    [Fact]
    public void ModularPenalty_Hard_InputsUnderTheThresholdPayForTheColumnsOverIt()
    {
        // A = [[1, .2, .1], [.2, 1, .3], [.1, .3, 1]], p = (3, 1, 2), threshold 3, gamma 0.5 (2*gamma = 1).
        // v = A p = (3 + .2 + .2, .6 + 1 + .6, .3 + .3 + 2) = (3.4, 2.2, 2.6); mask = (1, 0, 0).
        // Hard: only column 0 survives: (A[0,0]*3, A[1,0]*3, A[2,0]*3) = (3, 0.6, 0.3).
        // (The per-input reading 2*gamma*mask_i*v_i would give (3.4, 0, 0).)
        // Soft: (3.4 - 3, 0, 0) = (0.4, 0, 0).
        var a = new[] { 1, 0.2, 0.1, 0.2, 1, 0.3, 0.1, 0.3, 1 };
        var objective = new CoMixupObjective(3, 3, 1, 1, new double[3], a, 0, 0.5);
        var penalty = new double[3];
        objective.ModularPenalty(new double[] { 3, 1, 2 }, 3, CoMixupThreshold.Hard, penalty);
        Assert.Equal(3.0, penalty[0], 12);
        Assert.Equal(0.6, penalty[1], 12);
        Assert.Equal(0.3, penalty[2], 12);
        objective.ModularPenalty(new double[] { 3, 1, 2 }, 3, CoMixupThreshold.Soft, penalty);
        Assert.Equal(0.4, penalty[0], 12);
        Assert.Equal(0.0, penalty[1], 12);
        Assert.Equal(0.0, penalty[2], 12);
    }

    [Fact]
    public void ModularPenalty_Hard_AtTheThresholdIsNotPenalized_AndWithIdentityEqualsThePerInputValue()
    {
        // v = p with A = I (null): (2, 3, 5), threshold 3: the mask is strict (3 > 3 is false), so (0, 0, 2*gamma*5).
        var objective = new CoMixupObjective(3, 3, 1, 1, new double[3], ReadOnlySpan<double>.Empty, 0, 0.5);
        var penalty = new double[3];
        objective.ModularPenalty(new double[] { 2, 3, 5 }, 3, CoMixupThreshold.Hard, penalty);
        Assert.Equal(new[] { 0, 0, 5.0 }, penalty);
    }

    [Fact]
    public void ModularPenalty_Hard_RandomInputs_MatchTheOfficialExpressionEvaluatedStepByStep()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var rng = new Random(seed);
            var m = rng.Next(1, 21);
            var a = RandomSymmetric(rng, m);
            var p = Enumerable.Range(0, m).Select(_ => rng.Next(0, 33) / 2.0).ToArray();
            double gamma = rng.NextDouble(), threshold = rng.NextDouble() * 20;

            // (A @ p > thres).float(), then "* A" (row vector times matrix: column c scaled by mask[c]),
            // then "@ p", then "2 * gamma *".
            var mask = new double[m];
            for (var r = 0; r < m; r++)
            {
                double v = 0;
                for (var c = 0; c < m; c++) v += a[r * m + c] * p[c];
                mask[r] = v > threshold ? 1 : 0;
            }
            var masked = new double[m * m];
            for (var r = 0; r < m; r++)
                for (var c = 0; c < m; c++) masked[r * m + c] = mask[c] * a[r * m + c];
            var expected = new double[m];
            for (var r = 0; r < m; r++)
            {
                double s = 0;
                for (var c = 0; c < m; c++) s += masked[r * m + c] * p[c];
                expected[r] = 2 * gamma * s;
            }

            var penalty = new double[m];
            new CoMixupObjective(m, m, 1, 1, new double[m], a, 0, gamma).ModularPenalty(p, threshold, CoMixupThreshold.Hard, penalty);
            for (var i = 0; i < m; i++) Assert.Equal(expected[i], penalty[i], 10);
        }
    }

    private static double[] RandomSymmetric(Random rng, int m)
    {
        var a = new double[m * m];
        for (var i = 0; i < m; i++)
            for (var j = i; j < m; j++)
                a[i * m + j] = a[j * m + i] = i == j ? 1 : rng.NextDouble() * 0.1;
        return a;
    }
}

/// <summary>Equation 1 (unclipped) from a dense z [m', n, m], written independently of the library.</summary>
internal static class DenseObjective
{
    public static double Value(double[] cost, double[]? a, int m, int mOut, int h, int w, int[] first, int[] second, double beta, double gamma)
    {
        var n = h * w;
        var z = new double[mOut, n, m];
        for (var j = 0; j < mOut; j++)
            for (var k = 0; k < n; k++)
            {
                z[j, k, first[j * n + k]] += 0.5;
                z[j, k, second[j * n + k]] += 0.5;
            }
        double unary = 0, smooth = 0;
        var o = new double[mOut, m];
        for (var j = 0; j < mOut; j++)
            for (var k = 0; k < n; k++)
                for (var i = 0; i < m; i++)
                {
                    unary += cost[i * n + k] * z[j, k, i];
                    o[j, i] += z[j, k, i];
                }
        for (var j = 0; j < mOut; j++)
            for (var r = 0; r < h; r++)
                for (var c = 0; c < w; c++)
                    for (var i = 0; i < m; i++)
                    {
                        var k = r * w + c;
                        if (c + 1 < w) smooth += Math.Pow(z[j, k, i] - z[j, k + 1, i], 2);
                        if (r + 1 < h) smooth += Math.Pow(z[j, k, i] - z[j, k + w, i], 2);
                    }
        double compat = 0;
        for (var j = 0; j < mOut; j++)
            for (var j2 = 0; j2 < mOut; j2++)
            {
                if (j == j2) continue;
                for (var i = 0; i < m; i++)
                    for (var i2 = 0; i2 < m; i2++)
                        compat += o[j, i] * (a is null ? (i == i2 ? 1 : 0) : a[i * m + i2]) * o[j2, i2];
            }
        return unary + beta / 2 * smooth + gamma * compat;
    }
}

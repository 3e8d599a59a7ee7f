namespace RLMix.Mixing.CoMixup;

/// <summary>
/// The Co-Mixup objective of one partition (equation 1) and the modular approximation of its
/// compatibility term (equation 2), for m inputs, m' outputs and an h x w grid of n cells.
/// </summary>
/// <remarks>
/// A labeling z is given per output j and cell k as two input indices <c>first[j*n+k]</c>,
/// <c>second[j*n+k]</c>, each with weight 1/2: equal indices are a one-hot z_{j,k}, different ones a
/// half-half label (the only mixed labels Co-Mixup creates). All coefficients are the scaled ones
/// the solver uses (beta/n, gamma/n, tau*n); the prior term -eta*log(lambda_i) is modular and is
/// expected to be folded into the unary cost.
/// </remarks>
public sealed class CoMixupObjective
{
    private readonly double[] unary;
    private readonly double[]? compatibility;
    private readonly double[] counts;
    private readonly double[] total;
    private readonly double[] compatibilityProduct; // v = A o_{-j}
    private readonly int[] keptColumns;             // columns of A the hard threshold keeps

    /// <summary>Creates the objective.</summary>
    /// <param name="inputs">m.</param>
    /// <param name="outputs">m'.</param>
    /// <param name="height">Grid rows h.</param>
    /// <param name="width">Grid columns w.</param>
    /// <param name="unary">Cost c <c>[m, n]</c> of taking input i at cell k (prior included).</param>
    /// <param name="compatibility">A <c>[m, m]</c>, symmetric; null means the identity (the official stopping test).</param>
    /// <param name="beta">Smoothness coefficient (already divided by n).</param>
    /// <param name="gamma">Compatibility coefficient (already divided by n).</param>
    public CoMixupObjective(int inputs, int outputs, int height, int width, ReadOnlySpan<double> unary, ReadOnlySpan<double> compatibility, double beta, double gamma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        Inputs = inputs;
        Outputs = outputs;
        Height = height;
        Width = width;
        var n = height * width;
        if (unary.Length != inputs * n) throw new ArgumentException($"unary needs {inputs * n} entries, got {unary.Length}.", nameof(unary));
        if (!compatibility.IsEmpty && compatibility.Length != inputs * inputs) throw new ArgumentException($"compatibility needs {inputs * inputs} entries, got {compatibility.Length}.", nameof(compatibility));
        this.unary = unary.ToArray();
        this.compatibility = compatibility.IsEmpty ? null : compatibility.ToArray();
        Beta = beta;
        Gamma = gamma;
        counts = new double[outputs * inputs];
        total = new double[inputs];
        compatibilityProduct = new double[inputs];
        keptColumns = new int[inputs];
    }

    /// <summary>m.</summary>
    public int Inputs { get; }

    /// <summary>m'.</summary>
    public int Outputs { get; }

    /// <summary>h.</summary>
    public int Height { get; }

    /// <summary>w.</summary>
    public int Width { get; }

    /// <summary>Smoothness coefficient (scaled).</summary>
    public double Beta { get; }

    /// <summary>Compatibility coefficient (scaled).</summary>
    public double Gamma { get; }

    /// <summary>
    /// Equation 1 without the clipping: sum of c_k^T z_{j,k}, plus beta/2 times the squared differences
    /// of neighbouring z (beta per neighbouring pair of different one-hot labels), plus
    /// gamma * sum_{j != j'} o_j^T A o_j'. With A = I this is the official <c>obj_fn</c>.
    /// </summary>
    public double Value(ReadOnlySpan<int> first, ReadOnlySpan<int> second) =>
        UnaryTerm(first, second) + SmoothnessTerm(first, second) + CompatibilityTerm(first, second);

    /// <summary>sum_j sum_k c_k^T z_{j,k}.</summary>
    public double UnaryTerm(ReadOnlySpan<int> first, ReadOnlySpan<int> second)
    {
        var n = Height * Width;
        CheckLabeling(first, second);
        double s = 0;
        for (var j = 0; j < Outputs; j++)
        {
            for (var k = 0; k < n; k++)
            {
                var idx = j * n + k;
                s += 0.5 * (unary[first[idx] * n + k] + unary[second[idx] * n + k]);
            }
        }
        return s;
    }

    /// <summary>beta/2 * sum over outputs and neighbouring cells of ||z_{j,k} - z_{j,k'}||^2.</summary>
    public double SmoothnessTerm(ReadOnlySpan<int> first, ReadOnlySpan<int> second)
    {
        var n = Height * Width;
        CheckLabeling(first, second);
        double s = 0;
        for (var j = 0; j < Outputs; j++)
        {
            for (var r = 0; r < Height; r++)
            {
                for (var c = 0; c < Width; c++)
                {
                    var a = j * n + r * Width + c;
                    if (c + 1 < Width) s += SquaredDistance(first[a], second[a], first[a + 1], second[a + 1]);
                    if (r + 1 < Height) s += SquaredDistance(first[a], second[a], first[a + Width], second[a + Width]);
                }
            }
        }
        return Beta / 2 * s;
    }

    /// <summary>gamma * sum_{j != j'} o_j^T A o_j' (equation 1's compatibility term, unclipped).</summary>
    public double CompatibilityTerm(ReadOnlySpan<int> first, ReadOnlySpan<int> second)
    {
        CheckLabeling(first, second);
        Counts(first, second, counts);
        Array.Clear(total);
        for (var j = 0; j < Outputs; j++)
            for (var i = 0; i < Inputs; i++) total[i] += counts[j * Inputs + i];
        var all = QuadraticForm(total, 0);
        double own = 0;
        for (var j = 0; j < Outputs; j++) own += QuadraticForm(counts, j * Inputs);
        return Gamma * (all - own);
    }

    /// <summary>
    /// Equation 2's modular compatibility penalty as the official code computes it. Given
    /// o_{-j} = sum_{j' != j} o_{j'} in <paramref name="othersCounts"/> and v = A o_{-j}, the cost added
    /// to every cell of input i is
    /// <list type="bullet">
    /// <item><description><see cref="CoMixupThreshold.Hard"/>: 2*gamma * sum_i' A[i,i'] * 1[v_i' &gt; threshold] * o_{-j,i'};</description></item>
    /// <item><description><see cref="CoMixupThreshold.Soft"/>: 2*gamma * max(0, v_i - threshold).</description></item>
    /// </list>
    /// <paramref name="threshold"/> is tau*n.
    /// </summary>
    /// <remarks>
    /// The hard form is official <c>match.py</c>'s <c>2 * gamma * ((A @ p &gt; thres).float() * A @ p)</c>:
    /// Python's <c>*</c> and <c>@</c> share one precedence and associate to the left, so the 0/1 mask
    /// multiplies A (scaling its columns) before the product with p. With A = I it equals
    /// 2*gamma*1[v_i &gt; threshold]*v_i. The soft form is parenthesised elementwise in the official
    /// code and equals the paper's max{tau', v_{-j}} up to a constant per cell.
    /// </remarks>
    public void ModularPenalty(ReadOnlySpan<double> othersCounts, double threshold, CoMixupThreshold kind, Span<double> penalty)
    {
        var v = compatibilityProduct.AsSpan(0, Inputs);
        for (var i = 0; i < Inputs; i++)
        {
            if (compatibility is null) { v[i] = othersCounts[i]; continue; }
            double s = 0;
            for (var i2 = 0; i2 < Inputs; i2++) s += compatibility[i * Inputs + i2] * othersCounts[i2];
            v[i] = s;
        }
        if (kind == CoMixupThreshold.Soft)
        {
            for (var i = 0; i < Inputs; i++) penalty[i] = v[i] > threshold ? 2 * Gamma * (v[i] - threshold) : 0;
            return;
        }
        // The mask keeps the columns i2 with v_i2 > threshold, usually few: sum over those only, in the
        // same (ascending) order, so the doubles are the same as summing over every column.
        var kept = keptColumns.AsSpan();
        var count = 0;
        for (var i2 = 0; i2 < Inputs; i2++) if (!(v[i2] <= threshold)) kept[count++] = i2;
        for (var i = 0; i < Inputs; i++)
        {
            double s = 0;
            for (var c = 0; c < count; c++)
            {
                var i2 = kept[c];
                s += (compatibility is null ? (i == i2 ? 1 : 0) : compatibility[i * Inputs + i2]) * othersCounts[i2];
            }
            penalty[i] = 2 * Gamma * s;
        }
    }

    /// <summary>o_j = sum_k z_{j,k} for every output: <paramref name="result"/> is <c>[m', m]</c>.</summary>
    public void Counts(ReadOnlySpan<int> first, ReadOnlySpan<int> second, Span<double> result)
    {
        var n = Height * Width;
        result[..(Outputs * Inputs)].Clear();
        for (var j = 0; j < Outputs; j++)
        {
            for (var k = 0; k < n; k++)
            {
                result[j * Inputs + first[j * n + k]] += 0.5;
                result[j * Inputs + second[j * n + k]] += 0.5;
            }
        }
    }

    private double QuadraticForm(double[] x, int offset)
    {
        double s = 0;
        for (var a = 0; a < Inputs; a++)
        {
            var xa = x[offset + a];
            if (xa == 0) continue;
            if (compatibility is null) { s += xa * xa; continue; }
            double row = 0;
            for (var b = 0; b < Inputs; b++) row += compatibility[a * Inputs + b] * x[offset + b];
            s += xa * row;
        }
        return s;
    }

    // ||z - z'||^2 for z = (e_a + e_b)/2 and z' = (e_c + e_d)/2.
    private static double SquaredDistance(int a, int b, int c, int d)
    {
        var self1 = a == b ? 1.0 : 0.5;
        var self2 = c == d ? 1.0 : 0.5;
        var dot = 0.25 * ((a == c ? 1 : 0) + (a == d ? 1 : 0) + (b == c ? 1 : 0) + (b == d ? 1 : 0));
        return self1 + self2 - 2 * dot;
    }

    private void CheckLabeling(ReadOnlySpan<int> first, ReadOnlySpan<int> second)
    {
        var size = Outputs * Height * Width;
        if (first.Length != size || second.Length != size) throw new ArgumentException($"A labeling needs {size} entries per array.");
    }
}

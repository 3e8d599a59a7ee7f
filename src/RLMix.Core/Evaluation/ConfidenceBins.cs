using static TorchSharp.torch;

namespace RLMix.Evaluation;

/// <summary>
/// Accumulates, over batches, what top-1 error and the expected calibration error need: per
/// equal-width confidence bin, the number of samples, the sum of their confidences (max softmax
/// probability) and the number of correct predictions. Sums stay on the tensors' device in float64
/// and are read once, at the end.
/// </summary>
/// <remarks>
/// Bin b (0-based) of n holds confidences in <c>(b/n, (b+1)/n]</c>, as in Guo et al. (2017).
/// ECE = 100 * sum_b (n_b / N) |acc_b - conf_b|; the signed counterpart is
/// 100 * (mean confidence - accuracy) = 100 * sum_b (n_b / N) (conf_b - acc_b).
/// </remarks>
public sealed class ConfidenceBins : IDisposable
{
    Tensor? counts;
    Tensor? confidenceSums;
    Tensor? correctSums;

    /// <summary>Creates empty bins.</summary>
    public ConfidenceBins(int bins = 15)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        Bins = bins;
    }

    /// <summary>Number of equal-width bins over [0, 1].</summary>
    public int Bins { get; }

    /// <summary>Adds a batch of class probabilities <c>[B, K]</c> and integer labels <c>[B]</c>.</summary>
    public void Add(Tensor probabilities, Tensor labels)
    {
        using var scope = NewDisposeScope();
        var (confidence, prediction) = probabilities.max(1);
        var conf64 = confidence.to(ScalarType.Float64);
        var correct = prediction.eq(labels).to(ScalarType.Float64);
        var bin = (conf64 * Bins).ceil_().sub_(1).clamp_(0, Bins - 1).to(ScalarType.Int64);
        Accumulate(ref counts, bin.bincount(null, Bins).to(ScalarType.Float64));
        Accumulate(ref confidenceSums, bin.bincount(conf64, Bins));
        Accumulate(ref correctSums, bin.bincount(correct, Bins));
    }

    static void Accumulate(ref Tensor? total, Tensor batch)
    {
        if (total is null) total = batch.clone().DetachFromDisposeScope();
        else total.add_(batch);
    }

    /// <summary>Number of samples added.</summary>
    public long Count
    {
        get
        {
            if (counts is null) return 0;
            using var total = counts.sum();
            return (long)total.item<double>();
        }
    }

    /// <summary>Top-1 error in percent.</summary>
    public double Top1ErrorPercent()
    {
        var (n, _, correct) = Read();
        return 100.0 * (1.0 - correct.Sum() / n.Sum());
    }

    /// <summary>Expected calibration error in percent.</summary>
    public double EcePercent()
    {
        var (n, conf, correct) = Read();
        var total = n.Sum();
        var ece = 0.0;
        for (var b = 0; b < Bins; b++)
            if (n[b] > 0) ece += n[b] / total * Math.Abs(correct[b] / n[b] - conf[b] / n[b]);
        return 100.0 * ece;
    }

    /// <summary>
    /// Mean confidence minus accuracy, in percent: positive means over-confident, negative
    /// under-confident. Unlike the ECE it has a sign, and it does not depend on the binning.
    /// </summary>
    public double ConfidenceMinusAccuracyPercent()
    {
        var (n, conf, correct) = Read();
        return 100.0 * (conf.Sum() - correct.Sum()) / n.Sum();
    }

    (double[] N, double[] Conf, double[] Correct) Read()
    {
        if (counts is null || confidenceSums is null || correctSums is null)
            throw new InvalidOperationException("No samples were added.");
        return (ToArray(counts), ToArray(confidenceSums), ToArray(correctSums));
    }

    static double[] ToArray(Tensor t)
    {
        using var cpu = t.cpu();
        return cpu.data<double>().ToArray();
    }

    /// <summary>Top-1 error and ECE (percent) of class probabilities <c>[N, K]</c> against labels <c>[N]</c>.</summary>
    public static (double Top1Error, double Ece) Measure(Tensor probabilities, Tensor labels, int bins = 15)
    {
        using var acc = new ConfidenceBins(bins);
        acc.Add(probabilities, labels);
        return (acc.Top1ErrorPercent(), acc.EcePercent());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        counts?.Dispose();
        confidenceSums?.Dispose();
        correctSums?.Dispose();
    }
}

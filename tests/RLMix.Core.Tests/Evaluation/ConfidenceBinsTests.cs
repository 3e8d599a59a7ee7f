using RLMix.Evaluation;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Evaluation;

public sealed class ConfidenceBinsTests
{
    // Five samples, 15 bins of width 1/15 (bin b holds (b/15, (b+1)/15]):
    // conf .90 correct -> bin 13; conf .92 wrong -> bin 13; conf .50 correct -> bin 7;
    // conf .45 wrong -> bin 6; conf .34 correct -> bin 5.
    // ECE = 2/5 |.5 - .91| + 1/5 |1 - .5| + 1/5 |0 - .45| + 1/5 |1 - .34| = .164 + .1 + .09 + .132 = .486
    static readonly float[,] Probabilities =
    {
        { 0.90f, 0.05f, 0.05f },
        { 0.92f, 0.04f, 0.04f },
        { 0.50f, 0.30f, 0.20f },
        { 0.20f, 0.45f, 0.35f },
        { 0.34f, 0.33f, 0.33f },
    };
    static readonly long[] Labels = [0, 1, 0, 2, 0];

    [Fact]
    public void Measure_GivesHandComputedTop1ErrorAndEce()
    {
        using var p = tensor(Probabilities);
        using var y = tensor(Labels);
        var (top1, ece) = ConfidenceBins.Measure(p, y);
        Assert.Equal(40.0, top1, 9);
        Assert.Equal(48.6, ece, 4);
    }

    [Fact]
    public void TenBins_GiveTheHandComputedEce_AndTheSignedGapIgnoresBins()
    {
        // 10 bins of width .1 ((b/10, (b+1)/10]), float32 confidences:
        // .90 correct -> bin 8 (.9f is just below .9); .92 wrong -> bin 9; .50 correct and .45 wrong -> bin 4;
        // .34 correct -> bin 3.
        // ECE = 1/5 |1 - .90| + 1/5 |0 - .92| + 2/5 |.5 - .475| + 1/5 |1 - .34| = .02 + .184 + .01 + .132 = .346
        // Mean confidence (.90 + .92 + .50 + .45 + .34) / 5 = .622, accuracy 3/5 = .6: +2.2 points.
        using var p = tensor(Probabilities);
        using var y = tensor(Labels);
        using var bins = new ConfidenceBins(10);
        bins.Add(p, y);
        Assert.Equal(34.6, bins.EcePercent(), 4);
        Assert.Equal(2.2, bins.ConfidenceMinusAccuracyPercent(), 4);
        using var fifteen = new ConfidenceBins(15);
        fifteen.Add(p, y);
        Assert.Equal(2.2, fifteen.ConfidenceMinusAccuracyPercent(), 4);
    }

    [Fact]
    public void UnderConfident_HasANegativeSignedGap()
    {
        // Two correct predictions at confidence .6 and .7: accuracy 1, mean confidence .65 -> -35 points;
        // with one bin the ECE is its absolute value.
        using var p = tensor(new float[,] { { 0.6f, 0.4f }, { 0.3f, 0.7f } });
        using var y = tensor(new long[] { 0, 1 });
        using var bins = new ConfidenceBins(1);
        bins.Add(p, y);
        Assert.Equal(-35.0, bins.ConfidenceMinusAccuracyPercent(), 4);
        Assert.Equal(35.0, bins.EcePercent(), 4);
    }

    [Fact]
    public void AccumulatingBatches_EqualsOneBatch()
    {
        using var bins = new ConfidenceBins();
        using var p = tensor(Probabilities);
        using var y = tensor(Labels);
        bins.Add(p[..2], y[..2]);
        bins.Add(p[2..], y[2..]);
        Assert.Equal(5, bins.Count);
        Assert.Equal(40.0, bins.Top1ErrorPercent(), 9);
        Assert.Equal(48.6, bins.EcePercent(), 4);
    }

    [Fact]
    public void PerfectlyCalibrated_HasZeroEce()
    {
        // Two samples at confidence .5 in one bin, one right and one wrong: acc .5 = conf .5.
        using var p = tensor(new float[,] { { 0.5f, 0.3f, 0.2f }, { 0.5f, 0.3f, 0.2f } });
        using var y = tensor(new long[] { 0, 1 });
        var (top1, ece) = ConfidenceBins.Measure(p, y);
        Assert.Equal(50.0, top1, 9);
        Assert.Equal(0.0, ece, 5);
    }

    [Fact]
    public void ConfidenceOne_FallsInTheLastBin()
    {
        // conf 1.0 correct: acc 1 = conf 1 -> ECE 0 (it must not be dropped or put in a 16th bin).
        using var p = tensor(new float[,] { { 1f, 0f } });
        using var y = tensor(new long[] { 0 });
        var (top1, ece) = ConfidenceBins.Measure(p, y);
        Assert.Equal(0.0, top1, 9);
        Assert.Equal(0.0, ece, 9);
    }
}

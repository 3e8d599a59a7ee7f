using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Training;

public sealed class SoftTargetLossTests
{
    // Row 1: logits [0, 0, ln 2] -> softmax [0.25, 0.25, 0.5]; row 2: [0, ln 3, 0] -> [0.2, 0.6, 0.2].
    static Tensor Logits() => tensor(new float[,] { { 0f, 0f, MathF.Log(2f) }, { 0f, MathF.Log(3f), 0f } });

    [Fact]
    public void CrossEntropy_IsBatchMeanOfSumMinusYLogP()
    {
        // row 1: p = [.25, .25, .5], y = [0, 0, 1] -> ln 2 = 0.6931472
        // row 2: p = [.2, .6, .2],  y = [0, .8, .2] -> -(.8 ln .6 + .2 ln .2) = 0.7305481
        using var logits = Logits();
        using var targets = tensor(new float[,] { { 0f, 0f, 1f }, { 0f, 0.8f, 0.2f } });
        using var loss = SoftTargetLoss.CrossEntropy(logits, targets);
        Assert.Equal((0.6931472 + 0.7305481) / 2, loss.item<float>(), 5);
    }

    [Fact]
    public void BinaryCrossEntropy_IsMeanOverAllEntriesOfBceOnSoftmax()
    {
        // row 1: -ln .75, -ln .75, -ln .5 ; row 2: -ln .8, -(.8 ln .6 + .2 ln .4), -(.2 ln .2 + .8 ln .8)
        double[] terms =
        [
            0.2876821, 0.2876821, 0.6931472,
            0.2231436, 0.8 * 0.5108256 + 0.2 * 0.9162907, 0.2 * 1.6094379 + 0.8 * 0.2231436,
        ];
        using var logits = Logits();
        using var targets = tensor(new float[,] { { 0f, 0f, 1f }, { 0f, 0.8f, 0.2f } });
        using var loss = SoftTargetLoss.BinaryCrossEntropy(logits, targets);
        Assert.Equal(terms.Average(), loss.item<float>(), 5);
    }

    [Fact]
    public void AnUnknownLossInAConfig_IsAUsageErrorNamingTheKeyAndTheAllowedValues()
    {
        var e = Assert.Throws<RLMix.Errors.UsageException>(() => RLMix.Configuration.ConfigFile.Parse("""{ "trainer": { "loss": "mse" } }""", []));
        Assert.Contains("'trainer.loss'", e.Message);
        Assert.Contains("'mse' is not one of soft-ce, bce", e.Message);
        var section = Assert.Throws<RLMix.Errors.UsageException>(() => RLMix.Configuration.ConfigFile.Parse("""{ "rmix": { "loss": "mse" } }""", ["rmix"]).Methods.Get<RLMix.Mixing.RMixOptions>("rmix"));
        Assert.Contains("'mse' is not one of soft-ce, bce", section.Message);
    }

    [Fact]
    public void MismatchedShapes_AreRejected()
    {
        using var logits = zeros(2, 3);
        using var targets = zeros(2, 4);
        Assert.Throws<ArgumentException>(() => SoftTargetLoss.CrossEntropy(logits, targets));
    }
}

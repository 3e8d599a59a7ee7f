using RLMix.Core.Tests.Models;
using RLMix.Data;
using RLMix.Evaluation;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Evaluation;

public sealed class EvaluatorTests
{
    // Images of two pixels p0, p1 in [0,1] (one channel, normalized with mean .4, std .2).
    // The model's logits are z0 = 0 and z1 = 10 (p0 - .5) + 10 p1, written for the normalized input
    // x = (p - .4)/.2: weights [10*.2, 10*.2], bias 10(.4 - .5) + 10*.4 = 3.
    // d CE / d p has the sign of +z1's weight for label 0 and the opposite for label 1, so FGSM moves
    // both pixels by +eps (label 0) or -eps (label 1), then clamps to [0, 1].
    const float Mean = 0.4f, Std = 0.2f;
    const float Eps = 8f / 255f;
    static readonly float[,] Weight = { { 0f, 0f }, { 10f * Std, 10f * Std } };
    static readonly float[] Bias = [0f, 3f];

    static Batch MakeBatch((float P0, float P1, long Label)[] samples)
    {
        var pixels = tensor(samples.SelectMany(s => new[] { s.P0, s.P1 }).ToArray()).view(-1, 1, 1, 2);
        return new Batch((pixels - Mean) / Std, tensor(samples.Select(s => s.Label).ToArray()));
    }

    // z1 = 10 (p0 - .5 + p1); prediction 1 iff p0 + p1 > .5.
    static readonly (float, float, long)[] Samples =
    [
        (0.5f - Eps / 2 - 0.1f, 0.1f, 0),  // sum .5 - eps/2: correct; attacked sum .5 + 1.5 eps -> wrong
        (0.2f - 3 * Eps, 0.1f, 0),         // sum .3 - 3 eps: attacked .3 - eps -> still correct
        (0.5f, 3 * Eps / 4, 1),            // sum .5 + .75 eps: attacked .5 - 1.25 eps -> wrong
        (0.5f + Eps + 0.005f, 0.01f, 1),   // attacked p0 .5 + .005, p1 clamped at 0: sum .505 -> correct
                                           // (without the clamp p1 = .01 - eps and it would flip)
        (0.9f, 0.3f, 0),                   // sum 1.2 with label 0: wrong before and after
    ];

    [Fact]
    public void Fgsm_OnALinearModel_FlipsExactlyTheHandPickedSamples()
    {
        using var model = new TinyLinearModel(2, 2, Weight, Bias);
        var evaluator = new Evaluator([Mean], [Std]);
        var result = evaluator.Evaluate(model, [MakeBatch(Samples)]);
        Assert.Equal(20.0, result.Top1Error, 6);   // only the last sample
        Assert.Equal(60.0, result.FgsmError, 6);   // samples 1, 3 and 5
    }

    [Fact]
    public void Evaluate_SplitIntoBatches_GivesTheSameResult()
    {
        using var model = new TinyLinearModel(2, 2, Weight, Bias);
        var evaluator = new Evaluator([Mean], [Std]);
        var whole = evaluator.Evaluate(model, [MakeBatch(Samples)]);
        var split = evaluator.Evaluate(model, [MakeBatch(Samples[..2]), MakeBatch(Samples[2..])]);
        Assert.Equal(whole, split);
    }

    [Fact]
    public void Evaluate_RunsInEvalMode_RestoresTrainMode_AndLeavesNoParameterGradients()
    {
        using var model = new TinyLinearModel(2, 2, Weight, Bias);
        model.train();
        var evaluator = new Evaluator([Mean], [Std]);
        evaluator.Evaluate(model, [MakeBatch(Samples)]);
        Assert.NotEmpty(model.ForwardModes);
        Assert.All(model.ForwardModes, training => Assert.False(training));
        Assert.True(model.training);
        Assert.Null(model.Weight.grad);
    }

    [Fact]
    public void Evaluate_LeavesNoLiveTensorsBehind()
    {
        using var model = new TinyLinearModel(2, 2, Weight, Bias);
        var evaluator = new Evaluator([Mean], [Std]);
        using var scope = TorchSharp.torch.NewDisposeScope();
        Batch[] batches = [MakeBatch(Samples[..2]), MakeBatch(Samples[2..])];
        evaluator.Evaluate(model, batches);
        var live = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        evaluator.Evaluate(model, batches);
        Assert.Equal(live, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Evaluate_WithoutFgsm_ReportsNaN()
    {
        using var model = new TinyLinearModel(2, 2, Weight, Bias);
        var result = new Evaluator([Mean], [Std]).Evaluate(model, [MakeBatch(Samples)], fgsm: false);
        Assert.Equal(20.0, result.Top1Error, 6);
        Assert.True(double.IsNaN(result.FgsmError));
    }

    [Fact]
    public void Ece_OfTheLinearModel_MatchesAHandComputation()
    {
        // Confidences from the logits: sample 1: z1 = 10(-eps/2) -> p1 = sigmoid(-5 eps), conf = 1 - that, etc.
        // Compare with a slow per-sample loop over bins in the test itself.
        using var model = new TinyLinearModel(2, 2, Weight, Bias);
        var result = new Evaluator([Mean], [Std]).Evaluate(model, [MakeBatch(Samples)], fgsm: false);
        var conf = new double[Samples.Length];
        var correct = new bool[Samples.Length];
        for (var i = 0; i < Samples.Length; i++)
        {
            var (p0, p1, label) = Samples[i];
            var z1 = 10.0 * (p0 - 0.5 + p1);
            var prob1 = 1.0 / (1.0 + Math.Exp(-z1));
            conf[i] = Math.Max(prob1, 1 - prob1);
            correct[i] = (z1 > 0 ? 1 : 0) == label;
        }
        var ece = 0.0;
        for (var b = 0; b < 15; b++)
        {
            var members = Enumerable.Range(0, conf.Length).Where(i => conf[i] > b / 15.0 && conf[i] <= (b + 1) / 15.0).ToArray();
            if (members.Length == 0) continue;
            var acc = members.Count(i => correct[i]) / (double)members.Length;
            var avg = members.Average(i => conf[i]);
            ece += members.Length / (double)conf.Length * Math.Abs(acc - avg);
        }
        Assert.Equal(100 * ece, result.Ece, 3);
    }
}

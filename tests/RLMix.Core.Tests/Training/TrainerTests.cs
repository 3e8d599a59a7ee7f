using RLMix.Core.Tests.Models;
using RLMix.Errors;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Training;

public sealed class TrainerTests
{
    static readonly float[,] W0 = { { 0.1f, -0.2f, 0.3f, 0.0f }, { -0.3f, 0.2f, 0.1f, 0.4f }, { 0.2f, 0.1f, -0.1f, -0.2f } };
    static readonly float[] B0 = [0.05f, -0.05f, 0.0f];

    static (Tensor X, Tensor Y) Batch(Generator g, int b = 5)
    {
        var x = randn(b, 1, 2, 2, generator: g);
        var y = softmax(randn(b, 3, generator: g) * 2, 1);
        return (x, y);
    }

    [Fact]
    public void Steps_FollowNesterovSgdWithWeightDecayAndTheOneCycleLrAndMomentum()
    {
        var options = new TrainerOptions { MaxLr = 0.5, DivFactor = 10, FinalDivFactor = 100, PctStart = 0.5 };
        using var model = new TinyLinearModel(4, 3, W0, B0);
        using var trainer = new Trainer(model, options, stepsPerEpoch: 2, epochs: 2);
        var schedule = new OneCycleSchedule(0.5, 4, pctStart: 0.5, divFactor: 10, finalDivFactor: 100);

        // Reference: plain tensors, autograd for the gradient, the SGD update written out.
        var w = tensor(W0);
        var bias = tensor(B0);
        Tensor? bufW = null, bufB = null;
        var g = new Generator(11);
        for (var t = 0; t < 3; t++)
        {
            var (x, y) = Batch(g);
            Assert.Equal(schedule.LearningRate(t), trainer.CurrentLr, 12);
            var lr = schedule.LearningRate(t);
            var m = schedule.Momentum(t)!.Value;
            var wr = w.detach().requires_grad_(true);
            var br = bias.detach().requires_grad_(true);
            var logits = x.flatten(1).matmul(wr.t()) + br;
            var loss = (-(y * logits.log_softmax(1))).sum(1).mean();
            var grads = autograd.grad([loss], [wr, br]);
            var dW = grads[0] + 1e-4 * w;
            var dB = grads[1] + 1e-4 * bias;
            bufW = bufW is null ? dW : m * bufW + dW;
            bufB = bufB is null ? dB : m * bufB + dB;
            w = w - lr * (dW + m * bufW);
            bias = bias - lr * (dB + m * bufB);

            var result = trainer.Step(x, y);
            Assert.Equal(loss.item<float>(), result.Loss.item<float>(), 6);
        }
        Assert.True(model.Weight.detach().allclose(w, rtol: 1e-5, atol: 1e-7));
        Assert.Equal(3, trainer.GlobalStep);
    }

    [Fact]
    public void Step_WithInputGradient_ReturnsDLossDInputs()
    {
        using var model = new TinyLinearModel(4, 3, W0, B0);
        using var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 10, epochs: 1);
        var (x, y) = Batch(new Generator(12));
        // For a linear model with soft-CE: dL/dx_b = W^T (softmax(z_b) - y_b) / B.
        var p = (x.flatten(1).matmul(tensor(W0).t()) + tensor(B0)).softmax(1);
        var expected = (p - y).matmul(tensor(W0)).div(5).view(5, 1, 2, 2);

        var result = trainer.Step(x, y, inputGradient: true);

        Assert.NotNull(result.InputGradient);
        Assert.True(result.InputGradient!.allclose(expected, rtol: 1e-5, atol: 1e-7));
        Assert.False(x.requires_grad);
        Assert.Equal(new long[] { 5, 3 }, result.Logits.shape);
        Assert.False(result.Logits.requires_grad);
        Assert.False(result.Loss.requires_grad);
    }

    [Fact]
    public void Step_PutsTheModelInTrainMode()
    {
        using var model = new TinyLinearModel(4, 3);
        model.eval();
        using var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 10, epochs: 1);
        var (x, y) = Batch(new Generator(13));
        trainer.Step(x, y);
        Assert.Equal([true], model.ForwardModes);
    }

    [Fact]
    public void BceOption_SelectsBinaryCrossEntropy()
    {
        using var model = new TinyLinearModel(4, 3);
        using var trainer = new Trainer(model, new TrainerOptions { Loss = TrainingLoss.Bce }, stepsPerEpoch: 1, epochs: 1);
        // softmax [.25, .25, .5] against [0, 0, 1]: mean(-ln .75, -ln .75, -ln .5) = 0.4228371
        using var logits = tensor(new float[,] { { 0f, 0f, MathF.Log(2f) } });
        using var targets = tensor(new float[,] { { 0f, 0f, 1f } });
        Assert.Equal(0.4228371, trainer.Loss(logits, targets).item<float>(), 5);
    }

    [Fact]
    public void ApplyLoss_BackpropagatesACallerLoss_AndAdvancesTheSchedule()
    {
        using var model = new TinyLinearModel(4, 3, W0, B0);
        using var trainer = new Trainer(model, new TrainerOptions { Schedule = LrSchedule.Multistep, MaxLr = 0.1 }, stepsPerEpoch: 4, epochs: 1);
        var (x, _) = Batch(new Generator(14));
        using var before = model.Weight.detach().clone();
        // Loss = sum of logit 0: its gradient wrt W row 0 is sum_b x_b, other rows 0 (plus weight decay).
        var loss = model.forward(x)[.., 0].sum();
        trainer.ApplyLoss(loss);
        // First Nesterov step: p - lr (1 + m) (g + wd p), m = 0.9, lr = 0.1.
        var grad = cat([x.flatten(1).sum(0, keepdim: true), zeros(2, 4)]);
        var expected = before - 0.1 * 1.9 * (grad + 1e-4 * before);
        Assert.True(model.Weight.detach().allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(1, trainer.GlobalStep);
    }

    [Fact]
    public void NesterovOff_StepsWithPlainMomentum()
    {
        using var model = new TinyLinearModel(4, 3, W0, B0);
        var options = new TrainerOptions { Schedule = LrSchedule.Multistep, MaxLr = 0.1, Nesterov = false };
        using var trainer = new Trainer(model, options, stepsPerEpoch: 4, epochs: 1);
        var (x, _) = Batch(new Generator(14));
        using var before = model.Weight.detach().clone();
        trainer.ApplyLoss(model.forward(x)[.., 0].sum());
        // First plain-momentum step: buffer = g, p - lr * buffer (no extra m * buffer as with Nesterov).
        var grad = cat([x.flatten(1).sum(0, keepdim: true), zeros(2, 4)]);
        var expected = before - 0.1 * (grad + 1e-4 * before);
        Assert.True(model.Weight.detach().allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void ExtraParameters_AreOptimizedToo()
    {
        using var model = new TinyLinearModel(4, 3, W0, B0);
        var head = new TorchSharp.Modules.Parameter(ones(3));
        using var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 4, epochs: 1, extraParameters: [head]);
        var (x, y) = Batch(new Generator(15));
        using var before = head.detach().clone();
        var loss = trainer.Loss(model.forward(x) * head, y);
        trainer.ApplyLoss(loss);
        Assert.False(head.detach().Equals(before));

        // A step that does not use the head leaves it alone (its gradient is cleared to none, so SGD
        // applies neither weight decay nor momentum to it).
        using var afterFirst = head.detach().clone();
        trainer.Step(x, y);
        Assert.True(head.detach().Equals(afterFirst));
    }

    [Theory]
    [InlineData("cosine", "soft-ce", "'cosine' is not one of onecycle, multistep")]
    [InlineData("onecycle", "mse", "'mse' is not one of soft-ce, bce")]
    public void UnknownScheduleOrLoss_InAConfig_IsAUsageErrorListingTheAllowedValues(string schedule, string loss, string message)
    {
        var e = Assert.Throws<UsageException>(() => RLMix.Configuration.ConfigFile.Parse($$"""{ "trainer": { "schedule": "{{schedule}}", "loss": "{{loss}}" } }""", []));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void OneCycle_RefusesToStepBeyondItsLength()
    {
        using var model = new TinyLinearModel(4, 3);
        using var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 1, epochs: 2);
        var (x, y) = Batch(new Generator(16));
        trainer.Step(x, y);
        trainer.Step(x, y);
        Assert.Throws<InvalidOperationException>(() => trainer.Step(x, y));
    }

    [Fact]
    public void LiveTensorCount_DoesNotGrowAcrossSteps()
    {
        using var model = new SmallCnn(1, 3);
        using var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 30, epochs: 1);
        var g = new Generator(17);
        using var x = randn(4, 1, 8, 8, generator: g);
        using var y = softmax(randn(4, 3, generator: g), 1);
        long live = 0;
        for (var i = 0; i < 12; i++)
        {
            using (var scope = NewDisposeScope()) trainer.Step(x, y, inputGradient: true);
            if (i == 1) live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}

using RLMix.Core.Tests.Mixing;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Methods;
using RLMix.Mixing;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Methods;

public sealed class LaMixTests
{
    static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    [Fact]
    public void Target_OnHandSetHeadWeights_MatchesEquations9And10()
    {
        using var scope = NewDisposeScope();
        // S = [1, 0], W_t rows (1, 0), (0, 1), (1, 1), no bias: W_t S = (1, 0, 1).
        var headOutput = matmul(tensor(new float[] { 1, 0 }).view(1, 2), tensor(new float[] { 1, 0, 0, 1, 1, 1 }).view(3, 2).t());
        var p = LaMix.GlobalSoftLabel(headOutput).data<float>().ToArray();
        double e1 = Math.Exp(Sigmoid(1)), e0 = Math.Exp(Sigmoid(0));
        var expectedP = new[] { e1 / (2 * e1 + e0), e0 / (2 * e1 + e0), e1 / (2 * e1 + e0) };
        for (int k = 0; k < 3; k++)
            Assert.Equal(expectedP[k], p[k], 6);

        var local = tensor(new float[] { 0.3f, 0, 0.7f }).view(1, 3);
        var y = LaMix.TrainingTarget(local, tensor(p).view(1, 3), 0.5).data<float>().ToArray();
        for (int k = 0; k < 3; k++)
            Assert.Equal(0.5 * new[] { 0.3, 0, 0.7 }[k] + 0.5 * expectedP[k], y[k], 6);
    }

    [Fact]
    public void Loss_IsSoftCrossEntropyAgainstTheLaMixTarget()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClassifier.Create(1, 3, 4, seed: 3);
        using var method = new LaMixMethod(new LaMixOptions { Beta = 0.25 });
        method.Attach(model, initSeed: 0);
        using (no_grad())
        {
            method.Head.weight!.copy_(linspace(-1, 1, 3 * model.FeatureDim).view(3, model.FeatureDim));
            method.Head.bias!.copy_(tensor(new float[] { 0.1f, -0.2f, 0.3f }));
        }
        var gen = new Generator(4);
        var prepared = new LaMixBatch(randn([2, 1, 4, 4], generator: gen), tensor(new float[] { 1, 0, 0, 0.4f, 0.6f, 0 }).view(2, 3), true);

        var loss = method.Loss(model, prepared).item<float>();

        // Independent: features, the head by hand (W S + b), eq. 9-11 written out in doubles.
        using var noGrad = no_grad();
        var s = model.Features(prepared.Inputs).to(ScalarType.Float64).data<double>().ToArray();
        var logits = model.Classify(model.Features(prepared.Inputs)).to(ScalarType.Float64).data<double>().ToArray();
        var w = method.Head.weight!.to(ScalarType.Float64).data<double>().ToArray();
        var bias = new[] { 0.1, -0.2, 0.3 };
        var local = new[] { 1, 0, 0, 0.4, 0.6, 0 };
        int f = model.FeatureDim;
        double expected = 0;
        for (int n = 0; n < 2; n++)
        {
            var sig = Enumerable.Range(0, 3).Select(k => Sigmoid(Enumerable.Range(0, f).Sum(j => w[k * f + j] * s[n * f + j]) + bias[k])).ToArray();
            var p = sig.Select(v => Math.Exp(v) / sig.Sum(Math.Exp)).ToArray();
            var row = logits.Skip(n * 3).Take(3).ToArray();
            double logSum = Math.Log(row.Sum(Math.Exp));
            for (int k = 0; k < 3; k++)
                expected -= (0.25 * local[n * 3 + k] + 0.75 * p[k]) * (row[k] - logSum) / 2;
        }
        Assert.Equal(expected, loss, 5);
    }

    [Fact]
    public void Prepare_AlternatesCleanAndMixedMinibatches()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(8);
        var batch = new Batch(randn([6, 1, 4, 4], generator: gen), tensor(new long[] { 0, 1, 2, 0, 1, 2 }));
        using var method = new LaMixMethod(new LaMixOptions());
        var step = new Generator(1);

        var clean = method.Prepare(batch, new MethodStep(1, 0, 3, step));
        Assert.False(clean.Mixed);
        Assert.True(clean.Inputs.allclose(batch.Inputs, 0, 0));
        Assert.True(clean.LocalLabels.allclose(SoftTargets.OneHot(batch.Labels, 3), 0, 0));

        var mixed = method.Prepare(batch, new MethodStep(1, 1, 3, step));
        Assert.True(mixed.Mixed);
        Assert.Equal(new long[] { 6, 1, 4, 4 }, mixed.Inputs.shape);
        Assert.Equal(new long[] { 6, 3 }, mixed.LocalLabels.shape);
        var x = batch.Inputs.data<float>().ToArray();
        var got = mixed.Inputs.data<float>().ToArray();
        var local = mixed.LocalLabels.data<float>().ToArray();
        var lambdas = new List<double>();
        for (int i = 0; i < 6; i++)
        {
            // Find the partner j with x'_i = 0.5 x_i + 0.5 x_j, then check y_mixed = lambda y_i + (1 - lambda) y_j.
            int j = Enumerable.Range(0, 6).Single(c => Enumerable.Range(0, 16).All(k => Math.Abs(got[i * 16 + k] - 0.5 * (x[i * 16 + k] + x[c * 16 + k])) < 1e-6));
            int yi = i % 3, yj = j % 3;
            Assert.Equal(1.0, local.Skip(i * 3).Take(3).Sum(), 5);
            if (yi != yj)
                lambdas.Add(local[i * 3 + yi]);
            for (int k = 0; k < 3; k++)
                if (k != yi && k != yj)
                    Assert.Equal(0f, local[i * 3 + k]);
        }
        Assert.All(lambdas, l => Assert.Equal(lambdas[0], l, 6)); // one lambda per batch
        Assert.True(method.Prepare(batch, new MethodStep(1, 2, 3, step)).Mixed is false);
        Assert.True(new LaMixMethod(new LaMixOptions { Alternate = false }).Prepare(batch, new MethodStep(1, 0, 3, step)).Mixed);
    }

    [Fact]
    public void Prepare_WithAverageLocalLabel_UsesHalfAndHalf()
    {
        using var scope = NewDisposeScope();
        var batch = new Batch(randn([4, 1, 4, 4], generator: new Generator(2)), tensor(new long[] { 0, 1, 2, 3 }));
        using var method = new LaMixMethod(new LaMixOptions { LocalLabel = "average", Alternate = false });
        var prepared = method.Prepare(batch, new MethodStep(1, 0, 4, new Generator(3)));
        for (int i = 0; i < 4; i++)
        {
            int j = Enumerable.Range(0, 4).Single(c => prepared.Inputs[i].allclose(0.5 * (batch.Inputs[i] + batch.Inputs[c]), 1e-6, 1e-6));
            var expected = new float[4];
            expected[i] += 0.5f;
            expected[j] += 0.5f;
            Assert.Equal(expected, prepared.LocalLabels[i].data<float>().ToArray());
        }
    }

    [Fact]
    public void GlobalLabelGradient_ControlsWhereTheGradientFlows()
    {
        (Tensor[] Model, Tensor? Head) Grads(string mode)
        {
            using var model = TinyClassifier.Create(1, 3, 4, seed: 5);
            var method = new LaMixMethod(new LaMixOptions { GlobalLabelGradient = mode });
            method.Attach(model, initSeed: 6);
            var prepared = new LaMixBatch(randn([3, 1, 4, 4], generator: new Generator(7)), SoftTargets.OneHot(tensor(new long[] { 0, 1, 2 }), 3), false);
            method.Loss(model, prepared).backward();
            return (model.parameters().Select(p => p.grad!.clone()).ToArray(), method.Head.weight!.grad?.clone());
        }
        using var scope = NewDisposeScope();
        var full = Grads("full");
        var head = Grads("head");
        var none = Grads("none");
        Assert.NotNull(full.Head);
        Assert.True(full.Head!.abs().sum().item<float>() > 0);
        Assert.True(head.Head!.allclose(full.Head, 1e-6, 1e-7), "W_t's gradient does not depend on detaching S");
        Assert.True(none.Head is null || none.Head.abs().sum().item<float>() == 0, "p detached: W_t gets no gradient");
        Assert.All(Enumerable.Range(0, none.Model.Length), i => Assert.True(head.Model[i].allclose(none.Model[i], 1e-6, 1e-7)));
        Assert.Contains(Enumerable.Range(0, none.Model.Length), i => !full.Model[i].allclose(none.Model[i], 1e-6, 1e-7));
    }

    [Fact]
    public void Options_Invalid_AreUsageErrors()
    {
        Assert.Contains("lamix.beta", Assert.Throws<UsageException>(() => new LaMixMethod(new LaMixOptions { Beta = 2 })).Message);
        Assert.Contains("lamix.local_label", Assert.Throws<UsageException>(() => new LaMixMethod(new LaMixOptions { LocalLabel = "x" })).Message);
        Assert.Contains("lamix.global_label_gradient", Assert.Throws<UsageException>(() => new LaMixMethod(new LaMixOptions { GlobalLabelGradient = "x" })).Message);
        Assert.Throws<InvalidOperationException>(() => new LaMixMethod(new LaMixOptions()).ExtraParameters.ToList());
    }
}

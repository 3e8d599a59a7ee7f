using RLMix.Agents.Learning;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

public sealed class PpoMathTests
{
    [Fact]
    public void PpoOptions_DefaultsAreSb3s_PaperPresetIsTheOfficialRun()
    {
        var d = PpoOptions.Default;
        Assert.Equal((3e-4, (double?)null, 2048, 64, 10), (d.LearningRate, d.LearningRateDecayPower, d.NSteps, d.BatchSize, d.NEpochs));
        Assert.Equal((0.99, 0.95, 0.2, (double?)null, true), (d.Gamma, d.GaeLambda, d.ClipRange, d.ClipRangeVf, d.NormalizeAdvantage));
        Assert.Equal((0.0, 0.5, 0.5, 1e-5, (double?)null), (d.EntCoef, d.VfCoef, d.MaxGradNorm, d.AdamEps, d.TargetKl));
        Assert.Equal(("per-image", 64, false), (d.Network, d.HiddenSize, d.PerImageCredit));

        var p = PpoOptions.Paper;
        Assert.Equal((3e-4, (double?)0.9, 1000, 250, 10), (p.LearningRate, p.LearningRateDecayPower, p.NSteps, p.BatchSize, p.NEpochs));
        Assert.Equal((0.99, 0.95, 0.2, (double?)null, true), (p.Gamma, p.GaeLambda, p.ClipRange, p.ClipRangeVf, p.NormalizeAdvantage));
        Assert.Equal((0.0, 0.5, 0.5, "paper", false), (p.EntCoef, p.VfCoef, p.MaxGradNorm, p.Network, p.PerImageCredit));
    }

    [Fact]
    public void LearningRate_PaperSchedule_IsProgressRemainingToThePower0Point9()
    {
        Assert.Equal(3e-4, PpoOptions.Paper.LearningRateAt(1.0), 12);
        Assert.Equal(Math.Pow(0.5, 0.9) * 3e-4, PpoOptions.Paper.LearningRateAt(0.5), 12);
        Assert.Equal(0.0, PpoOptions.Paper.LearningRateAt(0.0), 12);
        Assert.Equal(3e-4, PpoOptions.Default.LearningRateAt(0.1), 12);
    }

    [Fact]
    public void Validate_RejectsBadSettingsByName()
    {
        Assert.Contains("NSteps", Assert.Throws<RLMix.Errors.UsageException>(() => (PpoOptions.Default with { NSteps = 0 }).Validate()).Message);
        Assert.Contains("Unknown policy network 'mlp'", Assert.Throws<RLMix.Errors.UsageException>(() => (PpoOptions.Default with { Network = "mlp" }).Validate()).Message);
        Assert.Contains("per-image network", Assert.Throws<RLMix.Errors.UsageException>(() => (PpoOptions.Paper with { PerImageCredit = true }).Validate()).Message);
    }

    [Fact]
    public void Gae_MatchesAHandComputedTrajectory_WithATruncationAndATermination()
    {
        // gamma 0.9, lambda 0.8. Episode A: steps 0-1, truncated at 1 (reward 1 + 0.9 * V(final) = 1 + 0.9 * 10 = 10).
        // Episode B: steps 2-3, terminated at 3 (no bootstrap). Episode C: step 4, running; V(next) = 6.
        using var buffer = new RolloutBuffer(5, new Dictionary<string, long[]> { ["obs"] = [1] }, 1, 1, gamma: 0.9, gaeLambda: 0.8);
        float[] rewards = [1, 10, 2, 3, 4];
        float[] values = [1, 2, 3, 4, 5];
        bool[] starts = [true, false, true, false, true];
        for (var i = 0; i < 5; i++)
            buffer.Add(new Dictionary<string, Tensor> { ["obs"] = zeros(1) }, zeros(1, dtype: int64), tensor(new[] { rewards[i] }), starts[i], tensor(new[] { values[i] }), zeros(1));
        buffer.ComputeReturnsAndAdvantage(tensor(new[] { 6f }), done: false);
        // By hand: A4 = 4 + .9*6 - 5 = 4.4; A3 = 3 - 4 = -1 (terminal); A2 = (2 + .9*4 - 3) + .72*(-1) = 1.88;
        // A1 = 10 - 2 = 8 (episode end); A0 = (1 + .9*2 - 1) + .72*8 = 7.56.
        var expected = new[] { 7.56f, 8f, 1.88f, -1f, 4.4f };
        var advantages = buffer.Advantages.flatten().data<float>().ToArray();
        var returns = buffer.Returns.flatten().data<float>().ToArray();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i], advantages[i], 4);
            Assert.Equal(expected[i] + values[i], returns[i], 4);
        }
    }

    static RolloutBuffer FilledBuffer(float[][] rewards, float[][] values, bool[] starts, double gamma, double lambda)
    {
        var width = rewards[0].Length;
        var buffer = new RolloutBuffer(rewards.Length, new Dictionary<string, long[]> { ["obs"] = [1] }, 1, width, gamma, lambda);
        for (var i = 0; i < rewards.Length; i++)
            buffer.Add(new Dictionary<string, Tensor> { ["obs"] = zeros(1) }, zeros(1, dtype: int64), tensor(rewards[i]), starts[i], tensor(values[i]), zeros(width));
        return buffer;
    }

    [Fact]
    public void Gae_PerImageColumns_BootstrapFromTheNextStepsMean_NotTheSameColumn()
    {
        // Two images per step (R = 2), gamma 0.5, lambda 0.5; step 1 ends an episode (step 2 starts one); V(next) = [4, 2].
        float[][] rewards = [[1, 0], [0, 2], [1, 1]];
        float[][] values = [[0.5f, 1.5f], [1, 3], [2, 0]];
        bool[] starts = [true, false, true];
        using var buffer = FilledBuffer(rewards, values, starts, 0.5, 0.5);
        buffer.ComputeReturnsAndAdvantage(tensor(new[] { 4f, 2f }), done: false);
        // By hand, next value = mean of the next step's values (3 after the last step), next advantage = mean of its advantages:
        // step 2: 1 + .5*3 - 2 = 0.5, 1 + .5*3 - 0 = 2.5 (mean V 1, mean A 1.5);
        // step 1 (episode end, no bootstrap): 0 - 1 = -1, 2 - 3 = -1 (mean V 2, mean A -1);
        // step 0: (1 + .5*2 - .5) + .25*(-1) = 1.25, (0 + .5*2 - 1.5) + .25*(-1) = -0.75.
        // Per column (the old, wrong rule) step 2 would have been 1 + .5*4 - 2 = 1 and 1 + .5*2 - 0 = 2.
        float[] expected = [1.25f, -0.75f, -1, -1, 0.5f, 2.5f];
        var advantages = buffer.Advantages.flatten().data<float>().ToArray();
        var returns = buffer.Returns.flatten().data<float>().ToArray();
        var flatValues = values.SelectMany(v => v).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], advantages[i], 5);
            Assert.Equal(expected[i] + flatValues[i], returns[i], 5);
        }

        // The mean over images equals the joint GAE of the batch-mean reward under the batch-mean value (R = 1, SB3's rule).
        using var joint = FilledBuffer(rewards.Select(r => new[] { r.Average() }).ToArray(), values.Select(v => new[] { v.Average() }).ToArray(), starts, 0.5, 0.5);
        joint.ComputeReturnsAndAdvantage(tensor(new[] { 3f }), done: false);
        var jointAdvantages = joint.Advantages.flatten().data<float>().ToArray();
        for (var t = 0; t < 3; t++) Assert.Equal(jointAdvantages[t], (advantages[2 * t] + advantages[2 * t + 1]) / 2, 5);
    }

    [Fact]
    public void Gae_LastStepDone_DoesNotBootstrapFromTheNextValue()
    {
        using var buffer = FilledBuffer([[1, 2], [1, 4]], [[0, 0], [0, 0]], [true, false], gamma: 0.5, lambda: 1.0);
        buffer.ComputeReturnsAndAdvantage(tensor(new[] { 100f, 100f }), done: true);
        // A1 = r1 (done: no V(next)); A0 = r0 + 0.5 * mean(A1) = r0 + 0.5 * 2.5.
        Assert.Equal(new[] { 2.25f, 3.25f, 1f, 4f }, buffer.Advantages.flatten().data<float>().ToArray());
    }

    [Fact]
    public void Gae_GammaZero_IsAOneStepBandit_PerImage()
    {
        using var buffer = FilledBuffer([[1, 0], [0, 1]], [[0.25f, 0.5f], [0.75f, 0]], [true, false], gamma: 0, lambda: 0.95);
        buffer.ComputeReturnsAndAdvantage(tensor(new[] { 100f, 100f }), done: false);
        Assert.Equal(new[] { 0.75f, -0.5f, -0.75f, 1f }, buffer.Advantages.flatten().data<float>().ToArray());
    }

    [Fact]
    public void ClippedLoss_MatchesHandComputedValues()
    {
        // Ratios 1, 1.5, 0.5; advantages 1, 2, -1; clip 0.2.
        var logProb = tensor(new[] { 0f, MathF.Log(1.5f), MathF.Log(0.5f) });
        var oldLogProb = zeros(3);
        var advantages = tensor(new[] { 1f, 2f, -1f });
        var values = tensor(new[] { 1f, 2f, 3f });
        var returns = tensor(new[] { 1.5f, 2f, 2f });
        var entropy = ones(3);
        var terms = PpoLoss.Compute(logProb, oldLogProb, advantages, values, values, returns, entropy, 0.2, null, entCoef: 0.01, vfCoef: 0.5, normalizeAdvantage: false);
        // min(1*1, 1*1) = 1; min(1.5*2, 1.2*2) = 2.4; min(0.5*-1, 0.8*-1) = -0.8 -> policy loss -(2.6)/3.
        Assert.Equal(-2.6 / 3, terms.PolicyLoss.item<float>(), 5);
        Assert.Equal((0.25 + 0 + 1) / 3, terms.ValueLoss.item<float>(), 5);
        Assert.Equal(-1.0, terms.EntropyLoss.item<float>(), 5);
        Assert.Equal(-2.6 / 3 - 0.01 + 0.5 * 1.25 / 3, terms.Loss.item<float>(), 5);
        Assert.Equal(2.0 / 3, terms.ClipFraction.item<float>(), 5);
        Assert.Equal((0 + (0.5 - Math.Log(1.5)) + (-0.5 - Math.Log(0.5))) / 3, terms.ApproxKl.item<float>(), 5);
    }

    [Fact]
    public void ClippedLoss_NormalizesAdvantagesPerMinibatch_WithUnbiasedStd()
    {
        double[] a = [1, 2, -1];
        double[] r = [1, 1.5, 0.5];
        var mean = a.Average();
        var std = Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1));
        double expected = 0;
        for (var i = 0; i < 3; i++)
        {
            var n = (a[i] - mean) / (std + 1e-8);
            expected += Math.Min(n * r[i], n * Math.Clamp(r[i], 0.8, 1.2));
        }
        expected = -expected / 3;
        var terms = PpoLoss.Compute(tensor(new[] { 0f, MathF.Log(1.5f), MathF.Log(0.5f) }), zeros(3), tensor(new[] { 1f, 2f, -1f }),
            zeros(3), zeros(3), zeros(3), zeros(3), 0.2, null, 0, 0.5, normalizeAdvantage: true);
        Assert.Equal(expected, terms.PolicyLoss.item<float>(), 5);
    }

    [Fact]
    public void ValueClipping_KeepsPredictionsWithinTheRangeOfTheOldValues()
    {
        var terms = PpoLoss.Compute(zeros(2), zeros(2), zeros(2), tensor(new[] { 3f, 0f }), tensor(new[] { 1f, 0.1f }), tensor(new[] { 3f, 0f }),
            zeros(2), 0.2, clipRangeVf: 0.5, 0, 1, normalizeAdvantage: false);
        // Clipped predictions 1.5 and 0.0 (within 0.5 of the old values): ((3 - 1.5)^2 + 0) / 2.
        Assert.Equal(1.125, terms.ValueLoss.item<float>(), 5);
    }

    [Fact]
    public void JointLogProbAndEntropy_AreSumsOfThePerImageCategoricals()
    {
        var g = new TorchSharp.torch.Generator(4);
        var logits = randn([2, 3, 5], generator: g);          // N = 2 steps, B = 3 images, K = 5
        var actions = randint(0, 5, [2, 3], generator: g);
        var joint = MultiCategorical.JointLogProb(logits, actions).data<float>().ToArray();
        var jointEntropy = MultiCategorical.JointEntropy(logits).data<float>().ToArray();
        var l = logits.data<float>().ToArray();
        var a = actions.data<long>().ToArray();
        for (var n = 0; n < 2; n++)
        {
            double sum = 0, entropy = 0;
            for (var b = 0; b < 3; b++)
            {
                var row = Enumerable.Range(0, 5).Select(k => (double)l[(n * 3 + b) * 5 + k]).ToArray();
                var logZ = Math.Log(row.Sum(Math.Exp));
                sum += row[a[n * 3 + b]] - logZ;
                entropy -= row.Sum(x => Math.Exp(x - logZ) * (x - logZ));
            }
            Assert.Equal(sum, joint[n], 4);
            Assert.Equal(entropy, jointEntropy[n], 4);
        }
    }

    [Fact]
    public void ExplainedVariance_IsOneForPerfectPredictions_AndAsDefined()
    {
        Assert.Equal(1.0, Ppo.ExplainedVariance(tensor(new[] { 1f, 2f, 3f }), tensor(new[] { 1f, 2f, 3f })), 6);
        // y = [1, 2, 3] (var 2/3), residual [0, 0, 1] (var 2/9): 1 - 1/3.
        Assert.Equal(2.0 / 3, Ppo.ExplainedVariance(tensor(new[] { 1f, 2f, 2f }), tensor(new[] { 1f, 2f, 3f })), 5);
        Assert.True(double.IsNaN(Ppo.ExplainedVariance(zeros(3), ones(3))));
    }
}

using RLMix.Agents.Learning;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

/// <summary>
/// One PPO update of the <c>paper</c> network with the joint action must raise the joint log-probability
/// of the rollout's steps with a positive advantage and lower it for the others (a sign, shape or
/// gradient-flow bug in the summed log-probability would break this); see
/// experiments/reports/agent-learning.md, "Instrumented".
/// </summary>
public sealed class JointActionUpdateTests
{
    [Fact]
    public void PaperNetwork_JointAction_OneUpdateMovesTheJointLogProbWithTheAdvantage()
    {
        var options = PpoOptions.Paper with { NSteps = 8, BatchSize = 4, LearningRate = 3e-4, LearningRateDecayPower = null };
        using var env = new SyntheticMixupEnv("side", batchSize: 8, length: 15, seed: 5);
        using var agent = PpoAgent.Create(env, options, seed: 1);
        Assert.True(Ppo.CollectRollout(agent, env));

        // After the update the buffer still holds the rollout (Reset only rewinds its position).
        var buffer = agent.Buffer;
        using var scope = NewDisposeScope();
        Tensor after;
        using (no_grad())
            after = MultiCategorical.JointLogProb(agent.Network.forward(buffer.Observations).Logits, buffer.Actions);   // [n]
        var change = (after - buffer.LogProbs.squeeze(-1)).data<float>().ToArray();
        var advantages = buffer.Advantages.squeeze(-1).data<float>().ToArray();
        var correlation = Correlation(advantages, change);
        Assert.True(correlation > 0.5, $"correlation of advantage and change of the joint log-probability {correlation:F3}");
        Assert.True(change.Max() - change.Min() > 1e-3, "the update did not move the policy");
    }

    static double Correlation(float[] x, float[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.Sqrt(sxx * syy);
    }
}

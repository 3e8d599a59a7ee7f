using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

/// <summary>The terms of one PPO minibatch loss (all scalars; <see cref="Loss"/> carries the graph).</summary>
public sealed record PpoLossTerms(Tensor Loss, Tensor PolicyLoss, Tensor ValueLoss, Tensor EntropyLoss, Tensor ApproxKl, Tensor ClipFraction);

/// <summary>PPO's loss on one minibatch, as SB3's <c>PPO.train</c> computes it (Schulman et al. 2017).</summary>
public static class PpoLoss
{
    /// <summary>
    /// Clipped surrogate L = -mean(min(r A, clip(r, 1-c, 1+c) A)) with r = exp(log pi - log pi_old)
    /// (eq. 7 of the PPO paper), value loss mean((R - V)^2) (V optionally clipped around the old value),
    /// entropy loss -mean(H), total = L + ent_coef * entropy loss + vf_coef * value loss.
    /// Advantages are normalized over the minibatch (mean 0, unbiased std, +1e-8) when asked and
    /// when there is more than one. approx_kl = mean((r - 1) - log r).
    /// </summary>
    public static PpoLossTerms Compute(Tensor logProb, Tensor oldLogProb, Tensor advantages, Tensor values, Tensor oldValues,
        Tensor returns, Tensor entropy, double clipRange, double? clipRangeVf, double entCoef, double vfCoef, bool normalizeAdvantage)
    {
        using var scope = NewDisposeScope();
        var adv = advantages;
        if (normalizeAdvantage && adv.numel() > 1)
            adv = (adv - adv.mean()) / (adv.std() + 1e-8);

        var logRatio = logProb - oldLogProb;
        var ratio = logRatio.exp();
        var policyLoss = -minimum(adv * ratio, adv * ratio.clamp(1 - clipRange, 1 + clipRange)).mean();

        var valuesPred = clipRangeVf is double c ? oldValues + (values - oldValues).clamp(-c, c) : values;
        var valueLoss = (returns - valuesPred).pow(2).mean();
        var entropyLoss = -entropy.mean();
        var loss = policyLoss + entCoef * entropyLoss + vfCoef * valueLoss;

        Tensor approxKl, clipFraction;
        using (no_grad())
        {
            approxKl = ((ratio - 1) - logRatio).mean();
            clipFraction = ((ratio - 1).abs() > clipRange).to(float32).mean();
        }
        return new PpoLossTerms(loss.MoveToOuterDisposeScope(), policyLoss.detach().MoveToOuterDisposeScope(), valueLoss.detach().MoveToOuterDisposeScope(),
            entropyLoss.detach().MoveToOuterDisposeScope(), approxKl.MoveToOuterDisposeScope(), clipFraction.MoveToOuterDisposeScope());
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

/// <summary>
/// B independent categoricals over K choices (SB3's <c>MultiCategoricalDistribution</c> for
/// <c>MultiDiscrete([K] * B)</c>). Per-image log-probabilities and entropies are <c>[..., B]</c>; the
/// joint action's are their SUM over the last axis, as SB3 (and so the official RL-Mix) computes them.
/// </summary>
public static class MultiCategorical
{
    /// <summary>log pi(a_i | s) per image: logits <c>[..., B, K]</c>, actions <c>[..., B]</c> → <c>[..., B]</c>.</summary>
    public static Tensor LogProbs(Tensor logits, Tensor actions)
    {
        using var scope = NewDisposeScope();
        return logits.log_softmax(-1).gather(-1, actions.unsqueeze(-1)).squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <summary>Entropy per image, <c>[..., B]</c>.</summary>
    public static Tensor Entropies(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var logp = logits.log_softmax(-1);
        return (-(logp.exp() * logp).sum(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>Joint log-probability: the sum of the per-image log-probabilities, <c>[...]</c>.</summary>
    public static Tensor JointLogProb(Tensor logits, Tensor actions)
    {
        using var scope = NewDisposeScope();
        return LogProbs(logits, actions).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>Joint entropy: the sum of the per-image entropies, <c>[...]</c>.</summary>
    public static Tensor JointEntropy(Tensor logits)
    {
        using var scope = NewDisposeScope();
        return Entropies(logits).sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>Samples one action per image from logits <c>[B, K]</c> with <paramref name="generator"/>: <c>[B]</c> int64.</summary>
    public static Tensor Sample(Tensor logits, Generator generator)
    {
        using var scope = NewDisposeScope();
        var probabilities = logits.softmax(-1).cpu();
        return multinomial(probabilities, 1, replacement: true, generator: generator).squeeze(-1).to(logits.device).MoveToOuterDisposeScope();
    }

    /// <summary>The most likely action per image (deterministic play).</summary>
    public static Tensor Mode(Tensor logits) => logits.argmax(-1);
}

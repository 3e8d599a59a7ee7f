using static TorchSharp.torch;

namespace RLMix.Training;

/// <summary>Losses of logits <c>[B, K]</c> against soft targets <c>[B, K]</c> (rows summing to 1), as the mixers produce.</summary>
public static class SoftTargetLoss
{
    /// <summary>Soft-target cross-entropy: <c>mean_b sum_k -y_bk log softmax(z_b)_k</c>.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets)
    {
        CheckShapes(logits, targets);
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(logits, 1);
        return (-(targets * logp)).sum(1).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Binary cross-entropy of <c>softmax(z)</c> against the soft targets, mean over all B*K entries,
    /// as R-Mix and Co-Mixup train on CIFAR (<c>BCELoss()(softmax(out), y_mix)</c>; PyTorch clamps the logs at -100).
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor logits, Tensor targets)
    {
        CheckShapes(logits, targets);
        using var scope = NewDisposeScope();
        var p = nn.functional.softmax(logits, 1);
        return nn.functional.binary_cross_entropy(p, targets).MoveToOuterDisposeScope();
    }

    /// <summary>The loss named <paramref name="name"/> (<c>soft-ce</c> or <c>bce</c>).</summary>
    /// <exception cref="Errors.UsageException">Unknown name; the message lists the allowed values.</exception>
    public static Func<Tensor, Tensor, Tensor> ByName(string name) => name switch
    {
        "soft-ce" => CrossEntropy,
        "bce" => BinaryCrossEntropy,
        _ => throw new Errors.UsageException($"Unknown loss '{Errors.Echo.Of(name)}'. Allowed values: {string.Join(", ", TrainerOptions.Losses)}."),
    };

    static void CheckShapes(Tensor logits, Tensor targets)
    {
        if (logits.dim() != 2 || !logits.shape.SequenceEqual(targets.shape))
            throw new ArgumentException(
                $"Expected logits and soft targets of the same shape [B, K]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", targets.shape)}].");
    }
}

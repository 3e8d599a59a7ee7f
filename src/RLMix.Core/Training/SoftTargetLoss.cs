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

    /// <summary>The loss function of <paramref name="loss"/>.</summary>
    public static Func<Tensor, Tensor, Tensor> Of(TrainingLoss loss) => loss switch
    {
        TrainingLoss.SoftCe => CrossEntropy,
        TrainingLoss.Bce => BinaryCrossEntropy,
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, null),
    };

    static void CheckShapes(Tensor logits, Tensor targets)
    {
        if (logits.dim() != 2 || !logits.shape.SequenceEqual(targets.shape))
            throw new ArgumentException(
                $"Expected logits and soft targets of the same shape [B, K]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", targets.shape)}].");
    }
}

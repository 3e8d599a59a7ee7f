using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Methods;

/// <summary>Losses of logits <c>[B, K]</c> against soft targets <c>[B, K]</c>, for methods that compute their own loss.</summary>
public static class SoftTargetLoss
{
    /// <summary>Soft-target cross-entropy mean_b sum_k -y_bk log softmax(logits)_bk (the official R-Mix training loss; LaMix eq. 11).</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        return (-(targets * logits.log_softmax(1)).sum(1)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Binary cross-entropy of softmax(logits) against the targets, the mean over all B x K entries (R-Mix paper eq. 1, Co-Mixup's CIFAR loss).</summary>
    public static Tensor BinaryCrossEntropyOnSoftmax(Tensor logits, Tensor targets)
    {
        using var scope = NewDisposeScope();
        return nn.functional.binary_cross_entropy(logits.softmax(1), targets).MoveToOuterDisposeScope();
    }

    /// <summary>The loss named <paramref name="name"/>: soft-ce or bce.</summary>
    public static Func<Tensor, Tensor, Tensor> ByName(string name) => name switch
    {
        "soft-ce" => CrossEntropy,
        "bce" => BinaryCrossEntropyOnSoftmax,
        _ => throw new UsageException($"Unknown loss '{name}'. Allowed values: soft-ce, bce."),
    };
}

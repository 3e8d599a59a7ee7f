using RLMix.Data;
using static TorchSharp.torch;

namespace RLMix.Mixing;

/// <summary>Targets as probability rows <c>[B, K]</c>, the form every mixer and loss takes.</summary>
public static class SoftTargets
{
    /// <summary>One-hot float32 targets <c>[B, numClasses]</c> of int64 <paramref name="labels"/> <c>[B]</c>.</summary>
    public static Tensor OneHot(Tensor labels, int numClasses)
    {
        using var scope = NewDisposeScope();
        return nn.functional.one_hot(labels.to(ScalarType.Int64), numClasses).to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A batch that a gated mixer (<c>prob</c> &lt; 1) leaves clean: its inputs (a new handle on the same
    /// storage, owned by the caller's dispose scope) and one-hot targets.
    /// </summary>
    public static MixResult Unmixed(Batch batch, int numClasses) =>
        new(batch.Inputs.alias(), OneHot(batch.Labels, numClasses));
}

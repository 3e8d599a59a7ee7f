using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Envs.Spaces;

/// <summary>
/// A float32 box: tensors of a fixed shape with every element in [low, high] (Gymnasium's <c>Box</c>).
/// Bounds may be infinite. Sampling as Gymnasium: uniform where both bounds are finite, normal where
/// neither is, shifted exponential where only one is.
/// </summary>
public sealed class Box : Space<Tensor>
{
    readonly long[] shape;

    /// <summary>A box with the same bounds for every element.</summary>
    public Box(float low, float high, params long[] shape)
        : this(full(shape, low, dtype: float32), full(shape, high, dtype: float32)) { }

    /// <summary>A box with per-element bounds; <paramref name="low"/> and <paramref name="high"/> share the element shape.</summary>
    public Box(Tensor low, Tensor high)
    {
        if (!low.shape.SequenceEqual(high.shape))
            throw new ArgumentException($"Box bounds must have the same shape; low is {FormatShape(low.shape)}, high is {FormatShape(high.shape)}.");
        if ((low > high).any().item<bool>())
            throw new ArgumentException("Box: every low bound must be <= its high bound.");
        shape = low.shape;
        Low = low.to(float32).cpu().detach().DetachFromDisposeScope();
        High = high.to(float32).cpu().detach().DetachFromDisposeScope();
    }

    /// <summary>Lower bounds (float32, element shape, CPU).</summary>
    public Tensor Low { get; }

    /// <summary>Upper bounds (float32, element shape, CPU).</summary>
    public Tensor High { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> Shape => shape;

    /// <inheritdoc />
    public override Tensor Sample(Generator generator)
    {
        using var scope = NewDisposeScope();
        var lowFinite = isfinite(Low);
        var highFinite = isfinite(High);
        var uniform = rand(shape, generator: generator);
        var normal = randn(shape, generator: generator);
        var exponential = -log1p(-rand(shape, generator: generator));
        var bounded = Low + uniform * (High - Low);
        var result = where(lowFinite & highFinite, bounded,
                     where(lowFinite, Low + exponential,
                     where(highFinite, High - exponential, normal)));
        return result.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override bool Contains(Tensor value)
    {
        if (value.dtype != float32 || !value.shape.SequenceEqual(shape)) return false;
        using var scope = NewDisposeScope();
        var x = value.cpu();
        return ((x >= Low) & (x <= High)).all().item<bool>();
    }

    /// <inheritdoc />
    public override string ToString() => $"Box({Bound(Low)}, {Bound(High)}, {FormatShape(shape)}, float32)";

    static string Bound(Tensor t)
    {
        using var scope = NewDisposeScope();
        var min = t.min().item<float>();
        var max = t.max().item<float>();
        return min == max ? Format(min) : $"[{Format(min)}..{Format(max)}]";
    }

    static string Format(float v) =>
        float.IsPositiveInfinity(v) ? "inf" : float.IsNegativeInfinity(v) ? "-inf" : v.ToString("0.0###", CultureInfo.InvariantCulture);
}

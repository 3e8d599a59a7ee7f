using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Envs.Spaces;

/// <summary>
/// A set of valid observations or actions (Gymnasium's <c>Space</c>): it samples seeded elements,
/// checks membership and describes itself. Elements are TorchSharp tensors on the CPU (or, for
/// <see cref="DictSpace"/>, a dictionary of them).
/// </summary>
public interface ISpace
{
    /// <summary>Shape of an element; empty for a scalar and for composite spaces.</summary>
    IReadOnlyList<long> Shape { get; }

    /// <summary>Re-seeds the space's sampler. Until this is called a space samples from seed 0 (never from the clock).</summary>
    void Seed(long seed);

    /// <summary>Whether <paramref name="value"/> is an element of the space (type, dtype, shape and bounds).</summary>
    bool ContainsObject(object? value);
}

/// <summary>A space whose elements are of type <typeparamref name="T"/>.</summary>
public abstract class Space<T> : ISpace where T : notnull
{
    /// <summary>The space's own sampler (seed 0 until <see cref="Seed"/>).</summary>
    protected Generator Generator { get; private set; } = new(0);

    /// <inheritdoc />
    public abstract IReadOnlyList<long> Shape { get; }

    /// <inheritdoc />
    public virtual void Seed(long seed)
    {
        Generator.Dispose();
        Generator = new Generator(unchecked((ulong)seed));
    }

    /// <summary>A random element drawn with the space's seeded generator. The caller owns the result.</summary>
    public T Sample() => Sample(Generator);

    /// <summary>A random element drawn with <paramref name="generator"/>. The caller owns the result.</summary>
    public abstract T Sample(Generator generator);

    /// <summary>Whether <paramref name="value"/> belongs to the space.</summary>
    public abstract bool Contains(T value);

    /// <inheritdoc />
    public bool ContainsObject(object? value) => value is T t && Contains(t);

    /// <summary>Formats a shape as Gymnasium does, e.g. <c>(100, 74)</c>.</summary>
    protected static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
}

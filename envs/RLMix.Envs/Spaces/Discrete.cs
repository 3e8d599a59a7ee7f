using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Envs.Spaces;

/// <summary>
/// The integers {start, ..., start + n - 1} (Gymnasium's <c>Discrete</c>). An element is a 0-dim
/// int64 tensor.
/// </summary>
public sealed class Discrete : Space<Tensor>
{
    /// <summary>Creates the space of <paramref name="n"/> integers starting at <paramref name="start"/>.</summary>
    public Discrete(long n, long start = 0)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete needs n > 0.");
        N = n;
        Start = start;
    }

    /// <summary>Number of elements.</summary>
    public long N { get; }

    /// <summary>Smallest element.</summary>
    public long Start { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> Shape => [];

    /// <inheritdoc />
    public override Tensor Sample(Generator generator) => randint(Start, Start + N, [], dtype: int64, generator: generator);

    /// <inheritdoc />
    public override bool Contains(Tensor value)
    {
        if (value.dim() != 0 || !IsInteger(value.dtype)) return false;
        var v = value.to(int64).item<long>();
        return v >= Start && v < Start + N;
    }

    /// <inheritdoc />
    public override string ToString() => Start == 0 ? $"Discrete({N})" : $"Discrete({N}, start={Start})";

    internal static bool IsInteger(ScalarType t) => t is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte;
}

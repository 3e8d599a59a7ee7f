using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Envs.Spaces;

/// <summary>
/// A vector of independent discrete choices, entry i in {0, ..., nvec[i] - 1} (Gymnasium's
/// <c>MultiDiscrete</c>). An element is an int64 tensor of shape <c>[nvec.Length]</c>. MixupEnv's
/// action is <c>MultiDiscrete([K] * B)</c>: one top-k index per image.
/// </summary>
public sealed class MultiDiscrete : Space<Tensor>
{
    readonly long[] nvec;
    readonly Tensor nvecTensor;

    /// <summary>Creates the space; every entry of <paramref name="nvec"/> must be positive.</summary>
    public MultiDiscrete(params long[] nvec)
    {
        if (nvec.Length == 0) throw new ArgumentException("MultiDiscrete needs at least one entry.", nameof(nvec));
        if (nvec.Any(n => n <= 0)) throw new ArgumentException("MultiDiscrete: every entry of nvec must be > 0.", nameof(nvec));
        this.nvec = nvec.ToArray();
        nvecTensor = tensor(this.nvec, dtype: int64).DetachFromDisposeScope();
    }

    /// <summary>The number of choices of each entry.</summary>
    public IReadOnlyList<long> Nvec => nvec;

    /// <inheritdoc />
    public override IReadOnlyList<long> Shape => [nvec.Length];

    /// <inheritdoc />
    public override Tensor Sample(Generator generator)
    {
        using var scope = NewDisposeScope();
        var u = rand([nvec.Length], dtype: float64, generator: generator);
        return (u * nvecTensor).floor().to(int64).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override bool Contains(Tensor value)
    {
        if (!Discrete.IsInteger(value.dtype) || value.dim() != 1 || value.shape[0] != nvec.Length) return false;
        using var scope = NewDisposeScope();
        var x = value.cpu().to(int64);
        return ((x >= 0) & (x < nvecTensor)).all().item<bool>();
    }

    /// <inheritdoc />
    public override string ToString() =>
        nvec.All(n => n == nvec[0]) && nvec.Length > 4
            ? $"MultiDiscrete([{nvec[0]}] * {nvec.Length})"
            : $"MultiDiscrete([{string.Join(", ", nvec)}])";
}

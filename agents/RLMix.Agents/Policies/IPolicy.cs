using static TorchSharp.torch;

namespace RLMix.Agents.Policies;

/// <summary>Chooses MixupEnv actions: one top-k index per image.</summary>
public interface IPolicy
{
    /// <summary>The policy as named on the command line (<c>random</c>, <c>fixed:0.55</c>, <c>learned:DIR</c>).</summary>
    string Name { get; }

    /// <summary>Actions <c>[B]</c> (int64) for <paramref name="observation"/> (a tensor or a dictionary of tensors). The caller owns the result.</summary>
    Tensor Act<TObs>(TObs observation) where TObs : notnull;
}

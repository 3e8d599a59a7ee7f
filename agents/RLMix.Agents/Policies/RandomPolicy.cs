using RLMix.Envs.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Policies;

/// <summary>
/// <c>random</c>: a uniform top-k index per image, ignoring the observation. In MixupEnv this is R-Mix
/// (the official code runs R-Mix as <c>env.action_space.sample()</c>).
/// </summary>
public sealed class RandomPolicy(MultiDiscrete actionSpace, long seed) : IPolicy, IDisposable
{
    readonly Generator generator = new(unchecked((ulong)seed));

    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public Tensor Act<TObs>(TObs observation) where TObs : notnull => actionSpace.Sample(generator);

    /// <inheritdoc />
    public void Dispose() => generator.Dispose();
}

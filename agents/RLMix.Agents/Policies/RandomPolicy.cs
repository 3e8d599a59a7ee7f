using RLMix.Envs.Spaces;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Policies;

/// <summary>
/// <c>random</c>: a uniform top-k index per image, ignoring the observation. In MixupEnv this is R-Mix
/// (the official code runs R-Mix as <c>env.action_space.sample()</c>).
/// </summary>
public sealed class RandomPolicy : IPolicy, IDisposable
{
    readonly MultiDiscrete actionSpace;
    readonly Generator generator;
    readonly bool ownsGenerator;

    /// <summary>Creates the policy with its own generator seeded by <paramref name="seed"/>.</summary>
    public RandomPolicy(MultiDiscrete actionSpace, long seed) : this(actionSpace, new Generator(unchecked((ulong)seed)), owns: true) { }

    /// <summary>Creates the policy drawing from <paramref name="generator"/> (shared with the caller, who disposes it).</summary>
    public RandomPolicy(MultiDiscrete actionSpace, Generator generator) : this(actionSpace, generator, owns: false) { }

    RandomPolicy(MultiDiscrete actionSpace, Generator generator, bool owns)
    {
        this.actionSpace = actionSpace;
        this.generator = generator;
        ownsGenerator = owns;
    }

    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public Tensor Act<TObs>(TObs observation) where TObs : notnull => actionSpace.Sample(generator);

    /// <inheritdoc />
    public void Dispose()
    {
        if (ownsGenerator) generator.Dispose();
    }
}

using RLMix.Agents.Learning;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Policies;

/// <summary>
/// <c>learned:DIR</c>: a trained PPO agent. Deterministic (the default, as SB3's <c>evaluate_policy</c>)
/// takes each image's most likely q; otherwise q is sampled with the policy's own seeded generator.
/// </summary>
public sealed class LearnedPolicy(PpoAgent agent, bool deterministic = true, long seed = 0, string? name = null) : IPolicy, IDisposable
{
    readonly Generator generator = new(unchecked((ulong)seed));

    /// <summary>The agent.</summary>
    public PpoAgent Agent { get; } = agent;

    /// <inheritdoc />
    public string Name { get; } = name ?? "learned";

    /// <inheritdoc />
    public Tensor Act<TObs>(TObs observation) where TObs : notnull =>
        Agent.Act(ObservationTensors.From(observation), deterministic, generator);

    /// <inheritdoc />
    public void Dispose() => generator.Dispose();
}

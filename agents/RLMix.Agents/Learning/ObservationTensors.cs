using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

/// <summary>Turns an env observation (a tensor, or a dictionary of tensors) into the agent's named tensors.</summary>
public static class ObservationTensors
{
    /// <summary>The observation as named tensors: a flat tensor under <see cref="AgentSpec.FlatKey"/>, a dictionary as it is.</summary>
    public static IReadOnlyDictionary<string, Tensor> From<TObs>(TObs observation) where TObs : notnull => observation switch
    {
        Tensor t => new Dictionary<string, Tensor>(StringComparer.Ordinal) { [AgentSpec.FlatKey] = t },
        IReadOnlyDictionary<string, Tensor> d => d,
        _ => throw new UsageException($"The agent takes tensor or dictionary-of-tensor observations, not {observation.GetType().Name}."),
    };

    /// <summary>
    /// Detached CPU copies that outlive the env's next step (the caller disposes them). The agent (network,
    /// rollout buffer, sampling generator) lives on the CPU whatever the run's device: this is where a GPU
    /// run's observations cross over.
    /// </summary>
    public static Dictionary<string, Tensor> Clone(IReadOnlyDictionary<string, Tensor> observation) =>
        observation.ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope(), StringComparer.Ordinal);

    /// <summary>Adds a leading axis of size 1 to every tensor (one step as a batch of one), on the CPU where the agent is.</summary>
    public static Dictionary<string, Tensor> Unsqueeze(IReadOnlyDictionary<string, Tensor> observation) =>
        observation.ToDictionary(kv => kv.Key, kv => kv.Value.cpu().unsqueeze(0), StringComparer.Ordinal);

    /// <summary>Selects steps <paramref name="indices"/> of stored observations.</summary>
    public static Dictionary<string, Tensor> Select(IReadOnlyDictionary<string, Tensor> observations, Tensor indices) =>
        observations.ToDictionary(kv => kv.Key, kv => kv.Value.index_select(0, indices), StringComparer.Ordinal);
}

using static TorchSharp.torch;

namespace RLMix.Agents.Networks;

/// <summary>What a policy network computes for a batch of N observations.</summary>
/// <param name="Logits">Action logits <c>[N, B, K]</c>.</param>
/// <param name="Values">Value estimates <c>[N, R]</c>: R = 1 (the batch's value) or R = B (per-image values, per-image credit).</param>
public sealed record PolicyOutput(Tensor Logits, Tensor Values);

/// <summary>
/// An actor-critic network over RL-Mix observations: named tensors with a leading step axis N, either
/// <c>obs [N, B, F]</c> (flat rows: G*G pooled saliency values then the N logits) or
/// <c>saliency [N, B, G, G]</c> and <c>logits [N, B, C]</c>. Every network accepts both layouts.
/// </summary>
public abstract class PolicyNetwork : TorchSharp.torch.nn.Module<IReadOnlyDictionary<string, Tensor>, PolicyOutput>
{
    /// <summary>Creates the module.</summary>
    protected PolicyNetwork(string name) : base(name) { }

    /// <summary>The name the network is selected by (<c>per-image</c>, <c>paper</c>).</summary>
    public abstract string Kind { get; }

    /// <summary>Whether the network works for any batch size B.</summary>
    public abstract bool AnyBatchSize { get; }

    /// <summary>Rows <c>[N, B, F]</c> from either layout.</summary>
    protected static Tensor Rows(IReadOnlyDictionary<string, Tensor> obs) =>
        obs.TryGetValue(Learning.AgentSpec.FlatKey, out var flat)
            ? flat
            : cat([obs["saliency"].flatten(-2), obs["logits"]], -1);

    /// <summary>Saliency grids <c>[N, B, G, G]</c> and logits <c>[N, B, C]</c> from either layout.</summary>
    protected static (Tensor Saliency, Tensor Logits) Parts(IReadOnlyDictionary<string, Tensor> obs, int grid)
    {
        if (!obs.TryGetValue(Learning.AgentSpec.FlatKey, out var flat)) return (obs["saliency"], obs["logits"]);
        var cells = grid * grid;
        var saliency = flat.narrow(-1, 0, cells).reshape(flat.shape[0], flat.shape[1], grid, grid);
        return (saliency, flat.narrow(-1, cells, flat.shape[2] - cells));
    }
}

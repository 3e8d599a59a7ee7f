using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RLMix.Agents.Networks;

/// <summary>
/// <c>per-image</c> (the default): one small MLP shared by every image maps the image's row
/// (G*G pooled saliency values, scaled by G*G unless <see cref="Learning.PpoOptions.ScaleSaliency"/> is
/// off, then its logits) to its K action logits; a second shared MLP maps
/// each row to value features, whose mean over the batch goes through a linear value head. Because
/// that head is linear, the batch value equals the mean of the per-image values, which per-image
/// credit uses directly. Both MLPs are SB3's default <c>[64, 64]</c> with tanh and orthogonal init
/// (gains sqrt 2, 0.01 for the action head, 1 for the value head). Works for any batch size.
/// </summary>
public sealed class PerImagePolicyNetwork : PolicyNetwork
{
    readonly Sequential policyNet;
    readonly Linear actionNet;
    readonly Sequential valueNet;
    readonly Linear valueHead;
    readonly bool perImageValues;
    readonly int saliencyCells;

    /// <summary>Creates the network for rows of <paramref name="features"/> values and <paramref name="actionChoices"/> choices.</summary>
    /// <param name="saliencyCells">
    /// When positive, the rows start with this many saliency cells that sum to 1, and the network
    /// multiplies them by their count, so that a uniform map reads as ones (see <see cref="Learning.PpoOptions.ScaleSaliency"/>).
    /// </param>
    public PerImagePolicyNetwork(int features, int actionChoices, int hidden, bool perImageValues, Generator generator, int saliencyCells = 0) : base(nameof(PerImagePolicyNetwork))
    {
        this.perImageValues = perImageValues;
        this.saliencyCells = saliencyCells;
        policyNet = Sequential(Linear(features, hidden), Tanh(), Linear(hidden, hidden), Tanh());
        actionNet = Linear(hidden, actionChoices);
        valueNet = Sequential(Linear(features, hidden), Tanh(), Linear(hidden, hidden), Tanh());
        valueHead = Linear(hidden, 1);
        RegisterComponents();
        OrthogonalInit.Apply(policyNet, Math.Sqrt(2), generator);
        OrthogonalInit.Apply(valueNet, Math.Sqrt(2), generator);
        OrthogonalInit.Apply(actionNet, 0.01, generator);
        OrthogonalInit.Apply(valueHead, 1.0, generator);
    }

    /// <inheritdoc />
    public override string Kind => "per-image";

    /// <inheritdoc />
    public override bool AnyBatchSize => true;

    /// <inheritdoc />
    public override PolicyOutput forward(IReadOnlyDictionary<string, Tensor> obs)
    {
        using var scope = NewDisposeScope();
        var rows = Rows(obs);                                         // [N, B, F]
        if (saliencyCells > 0)
            rows = cat([rows.narrow(-1, 0, saliencyCells) * saliencyCells, rows.narrow(-1, saliencyCells, rows.shape[2] - saliencyCells)], -1);
        var logits = actionNet.forward(policyNet.forward(rows));      // [N, B, K]
        var features = valueNet.forward(rows);                        // [N, B, H]
        var values = perImageValues
            ? valueHead.forward(features).squeeze(-1)                 // [N, B]
            : valueHead.forward(features.mean([1]));                  // [N, 1]
        return new PolicyOutput(logits.MoveToOuterDisposeScope(), values.MoveToOuterDisposeScope());
    }
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace RLMix.Agents.Networks;

/// <summary>
/// <c>paper</c>: the official RL-Mix policy (<c>policy_network.py::CNNExtractor</c> under SB3's
/// <c>MultiInputPolicy</c>). Extractor: the batch's B saliency grids as input channels through
/// Conv(B→150, 3x3) → ReLU → Conv(150→100, 2x2) → ReLU → flatten; each image's logits through a shared
/// Linear(N→256), flattened to B*256; both concatenated → Linear(→256) → ReLU. Heads: SB3 1.x's
/// default <c>net_arch = [dict(pi=[64, 64], vf=[64, 64])]</c> with tanh, then Linear(64→B*K) action
/// logits and Linear(64→1) value; orthogonal init with SB3's gains. Built for a fixed B. The saliency
/// cells are read as they are (official) unless scaled by G*G (<see cref="Learning.PpoOptions.ScaleSaliency"/>).
/// </summary>
public sealed class PaperPolicyNetwork : PolicyNetwork
{
    readonly int batchSize;
    readonly int grid;
    readonly int actionChoices;
    readonly bool scaleSaliency;
    readonly Sequential saliencyCnn;
    readonly Linear logitsLinear;
    readonly Sequential fusion;
    readonly Sequential policyNet;
    readonly Linear actionNet;
    readonly Sequential valueNet;
    readonly Linear valueNetHead;

    /// <summary>Creates the network for B images, a G x G grid, N classes and K choices per image.</summary>
    /// <param name="scaleSaliency">
    /// Multiply the saliency cells (a map summing to 1) by G*G before the convolutions (see
    /// <see cref="Learning.PpoOptions.ScaleSaliency"/>); off, the official extractor's raw input.
    /// </param>
    public PaperPolicyNetwork(int batchSize, int grid, int numClasses, int actionChoices, int hidden, Generator generator, bool scaleSaliency = false) : base(nameof(PaperPolicyNetwork))
    {
        if (grid < 4) throw new Errors.UsageException($"The paper network needs a saliency grid of at least 4x4 (got {grid}).");
        this.batchSize = batchSize;
        this.grid = grid;
        this.scaleSaliency = scaleSaliency;
        this.actionChoices = actionChoices;
        var side = grid - 2 - 1;                                   // 3x3 then 2x2 convolutions, no padding
        saliencyCnn = Sequential(Conv2d(batchSize, 150, 3), ReLU(), Conv2d(150, 100, 2), ReLU());
        logitsLinear = Linear(numClasses, 256);
        fusion = Sequential(Linear(100 * side * side + batchSize * 256, 256), ReLU());
        policyNet = Sequential(Linear(256, hidden), Tanh(), Linear(hidden, hidden), Tanh());
        actionNet = Linear(hidden, batchSize * actionChoices);
        valueNet = Sequential(Linear(256, hidden), Tanh(), Linear(hidden, hidden), Tanh());
        valueNetHead = Linear(hidden, 1);
        RegisterComponents();
        OrthogonalInit.Apply(saliencyCnn, Math.Sqrt(2), generator);
        OrthogonalInit.Apply(logitsLinear, Math.Sqrt(2), generator);
        OrthogonalInit.Apply(fusion, Math.Sqrt(2), generator);
        OrthogonalInit.Apply(policyNet, Math.Sqrt(2), generator);
        OrthogonalInit.Apply(valueNet, Math.Sqrt(2), generator);
        OrthogonalInit.Apply(actionNet, 0.01, generator);
        OrthogonalInit.Apply(valueNetHead, 1.0, generator);
    }

    /// <inheritdoc />
    public override string Kind => "paper";

    /// <inheritdoc />
    public override bool AnyBatchSize => false;

    /// <inheritdoc />
    public override PolicyOutput forward(IReadOnlyDictionary<string, Tensor> obs)
    {
        using var scope = NewDisposeScope();
        var (saliency, logits) = Parts(obs, grid);                    // [N, B, G, G], [N, B, C]
        var n = saliency.shape[0];
        if (scaleSaliency) saliency = saliency * (grid * grid);       // cells of ~1/64 read as ~1 (the official code: raw)
        var s = saliencyCnn.forward(saliency).flatten(1);              // B as channels: [N, 100 * 5 * 5]
        var l = logitsLinear.forward(logits).flatten(1);               // [N, B * 256]
        var features = fusion.forward(cat([s, l], 1));                 // [N, 256]
        var actionLogits = actionNet.forward(policyNet.forward(features)).reshape(n, batchSize, actionChoices);
        var values = valueNetHead.forward(valueNet.forward(features)); // [N, 1]
        return new PolicyOutput(actionLogits.MoveToOuterDisposeScope(), values.MoveToOuterDisposeScope());
    }
}

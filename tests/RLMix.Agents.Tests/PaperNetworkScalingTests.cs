using RLMix.Agents.Learning;
using RLMix.Agents.Networks;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

/// <summary>The paper network's optional saliency scaling is exactly a multiplication of the G*G cells by G*G, and off by default.</summary>
public sealed class PaperNetworkScalingTests
{
    const int B = 4, Grid = 8, Classes = 10, K = 10;

    [Fact]
    public void ScaledNetwork_EqualsTheRawNetworkOnCellsTimesTheirCount()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var cells = rand([2, B, Grid * Grid], generator: g);
        cells = cells / cells.sum(-1, keepdim: true);                       // maps summing to 1, as MixupEnv's
        var logits = randn([2, B, Classes], generator: g) * 3;
        using var scaled = new PaperPolicyNetwork(B, Grid, Classes, K, 64, new Generator(1), scaleSaliency: true);
        using var raw = new PaperPolicyNetwork(B, Grid, Classes, K, 64, new Generator(1));

        var a = scaled.forward(Obs(cells, logits));
        var byHand = raw.forward(Obs(cells * (Grid * Grid), logits));
        var unscaled = raw.forward(Obs(cells, logits));

        Assert.True(a.Logits.allclose(byHand.Logits, rtol: 1e-5, atol: 1e-6));
        Assert.True(a.Values.allclose(byHand.Values, rtol: 1e-5, atol: 1e-6));
        Assert.False(a.Logits.allclose(unscaled.Logits, rtol: 1e-3, atol: 1e-5));   // the scaling changes what the network sees
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Factory_PassesTheOption_AndThePaperPresetReadsTheRawMap(bool scale)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        var cells = rand([1, B, Grid * Grid], generator: g);
        var obs = Obs(cells / cells.sum(-1, keepdim: true), randn([1, B, Classes], generator: g));
        var spec = new AgentSpec("dict", B, Grid * Grid + Classes, Grid, K);
        Assert.False(PpoOptions.Paper.ScaleSaliency);
        using var built = PolicyNetworks.Create(PpoOptions.Paper with { ScaleSaliency = scale }, spec, new Generator(1));
        using var direct = new PaperPolicyNetwork(B, Grid, Classes, K, 64, new Generator(1), scaleSaliency: scale);
        Assert.True(built.forward(obs).Logits.allclose(direct.forward(obs).Logits, rtol: 1e-6, atol: 1e-7));
    }

    static Dictionary<string, Tensor> Obs(Tensor cells, Tensor logits) => new()
    {
        ["saliency"] = cells.reshape(cells.shape[0], B, Grid, Grid),
        ["logits"] = logits,
    };
}

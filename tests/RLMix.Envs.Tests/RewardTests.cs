using RLMix.Envs.Rewards;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

public sealed class RewardTests
{
    static RewardContext Context(Tensor clean, Tensor mixed, Tensor? mixedLogits = null, Tensor? targets = null, Tensor? loss = null)
    {
        var b = clean.shape[0];
        return new RewardContext(clean, mixed, zeros(b, 3), mixedLogits ?? zeros(b, 3), zeros(b, dtype: int64),
            targets ?? zeros(b, 3), zeros(b, dtype: int64), zeros(b), loss ?? tensor(0f), ObservationGrid: 8);
    }

    [Fact]
    public void GradCosine_IdenticalMaps_GiveOne_ScaledMapsToo()
    {
        var clean = rand([2, 16, 16], generator: new TorchSharp.torch.Generator(1)) + 0.1f;
        using var r = new GradCosineReward().Compute(Context(clean, clean * 3f));
        Assert.Equal(0, r.dim());
        Assert.Equal(1.0, r.item<float>(), 5);
    }

    [Fact]
    public void GradCosine_OrthogonalMaps_GiveZero()
    {
        // Saliency on the left half vs the right half: disjoint after 8x8 pooling (kernel 2).
        var left = zeros(2, 16, 16);
        left[.., .., ..8] = 1f;
        var right = zeros(2, 16, 16);
        right[.., .., 8..] = 1f;
        using var r = new GradCosineReward().Compute(Context(left, right));
        Assert.Equal(0.0, r.item<float>(), 6);
    }

    [Fact]
    public void GradCosine_FlattensTheWholeBatch_PooledNotNormalized_MatchesALoop()
    {
        var g = new TorchSharp.torch.Generator(3);
        var clean = rand([3, 16, 16], generator: g);
        var mixed = rand([3, 16, 16], generator: g);
        // By hand: 2x2 average pooling to 8x8, concatenate all images, cosine.
        var c = clean.data<float>().ToArray();
        var m = mixed.data<float>().ToArray();
        double dot = 0, nc = 0, nm = 0;
        for (var b = 0; b < 3; b++)
        for (var i = 0; i < 8; i++)
        for (var j = 0; j < 8; j++)
        {
            double pc = 0, pm = 0;
            for (var di = 0; di < 2; di++)
            for (var dj = 0; dj < 2; dj++)
            {
                var k = b * 256 + (2 * i + di) * 16 + 2 * j + dj;
                pc += c[k] / 4.0;
                pm += m[k] / 4.0;
            }
            dot += pc * pm;
            nc += pc * pc;
            nm += pm * pm;
        }
        var expected = dot / (Math.Sqrt(nc) * Math.Sqrt(nm));
        using var r = new GradCosineReward().Compute(Context(clean, mixed));
        Assert.Equal(expected, r.item<float>(), 5);
    }

    [Fact]
    public void GradCosineImage_GivesOneValuePerImage_OneAndZero()
    {
        var clean = zeros(2, 8, 8);
        clean[0, ..4] = 1f;
        clean[1, ..4] = 1f;
        var mixed = zeros(2, 8, 8);
        mixed[0, ..4] = 2f;   // same map, scaled: 1
        mixed[1, 4..] = 1f;   // disjoint: 0
        using var r = new GradCosineImageReward().Compute(Context(clean, mixed));
        Assert.Equal(new long[] { 2 }, r.shape);
        Assert.Equal(1.0, r[0].item<float>(), 5);
        Assert.Equal(0.0, r[1].item<float>(), 6);
    }

    [Fact]
    public void TrueClassConfidence_IsSoftmaxOfTheTopTargetClass()
    {
        var logits = tensor(new[] { 1f, 2f, 0f, 0f, 0f, 3f }).reshape(2, 3);
        var targets = tensor(new[] { 0.7f, 0.3f, 0f, 0f, 0.4f, 0.6f }).reshape(2, 3);
        using var r = new TrueClassConfidenceReward().Compute(Context(zeros(2, 8, 8), zeros(2, 8, 8), logits, targets));
        var e0 = Math.Exp(1) / (Math.Exp(1) + Math.Exp(2) + 1);
        var e1 = Math.Exp(3) / (2 + Math.Exp(3));
        Assert.Equal(e0, r[0].item<float>(), 5);
        Assert.Equal(e1, r[1].item<float>(), 5);
    }

    [Fact]
    public void NegativeLoss_IsMinusTheTrainingLoss()
    {
        using var r = new NegativeLossReward().Compute(Context(zeros(2, 8, 8), zeros(2, 8, 8), loss: tensor(1.25f)));
        Assert.Equal(-1.25f, r.item<float>());
    }
}

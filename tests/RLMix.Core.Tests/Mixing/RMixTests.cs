using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Mixing;

public sealed class RMixTests
{
    // Two 1-channel 4x4 images: x0 = 1..16, x1 = 101..116 (row-major).
    static Tensor TwoImages() => cat([arange(1, 17, dtype: ScalarType.Float32), arange(101, 117, dtype: ScalarType.Float32)]).reshape(2, 1, 4, 4);

    // Saliency with block (2x2 cell) means x0: [[4, 3], [2, 1]], x1: [[1, 4], [2, 3]]; normalized:
    // x0 [.4, .3, .2, .1], x1 [.1, .4, .2, .3]. Values vary inside blocks to exercise the pooling.
    static Tensor HandSaliency() => tensor(new float[] {
            3, 5,  3, 3,
            4, 4,  2, 4,
            2, 2,  1, 1,
            1, 3,  0, 2,

            1, 1,  4, 4,
            0, 2,  5, 3,
            2, 2,  3, 3,
            2, 2,  3, 3 }).reshape(2, 4, 4);

    [Fact]
    public void Mix_TwoImagesByHand_MatchesEquations4To7()
    {
        using var scope = NewDisposeScope();
        var targets = SoftTargets.OneHot(tensor(new long[] { 0, 2 }), 3);
        // x0: q = 0.5, r = 1.5, threshold = lerp(.2, .3, .5) = .25 -> m0 = [[1, 1], [0, 0]].
        // x1: q = 0.9, r = 2.7, threshold = lerp(.3, .4, .7) = .37 -> m1 = [[0, 1], [0, 0]].
        var q = tensor(new float[] { 0.5f, 0.9f });
        var result = RMix.Mix(TwoImages(), targets, HandSaliency(), q, 0.25, tensor(new long[] { 1, 0 }), 2);

        // Output 0 (partner x1): m_inter = [[0, 1], [1, 1]]; top-left cell has m0 = 1 -> x0;
        // elsewhere .25 x0 + .75 x1 = v + 75. Output 1 (partner x0): top-left has m0 = 1 -> x0 (v);
        // elsewhere .25 x1 + .75 x0 = v + 25.
        var expected = new float[] {
             1,  2, 78, 79,
             5,  6, 82, 83,
            84, 85, 86, 87,
            88, 89, 90, 91,

             1,  2, 28, 29,
             5,  6, 32, 33,
            34, 35, 36, 37,
            38, 39, 40, 41 };
        Assert.Equal(expected, result.Inputs.data<float>().ToArray());
        // y0' = 3/4 (.25 y0 + .75 y1) + 1/4 y0; y1' = 3/4 (.25 y1 + .75 y0) + 1/4 y0 (y0 = class 0, y1 = class 2).
        Assert.Equal(new float[] { 0.4375f, 0, 0.5625f, 0.8125f, 0, 0.1875f }, result.Targets.data<float>().ToArray());
    }

    [Fact]
    public void Masks_TiesAtTheThresholdCountAsTop()
    {
        using var scope = NewDisposeScope();
        // Pooled cells [.25, .25, .25, .25]: any q gives threshold .25, so every cell is top.
        var m = RMix.Masks(ones(1, 4, 4), tensor(new float[] { 0.99f }), 2);
        Assert.All(m.data<bool>().ToArray(), Assert.True);
        // Cells [.1, .2, .2, .5], q = 1/3: r = 1, threshold = .2 -> three cells are top.
        var s = tensor(new float[] { 1, 2, 2, 5 }).reshape(1, 2, 2);
        var cells = RMix.Masks(s, tensor(new float[] { 1f / 3 }), 2).data<bool>().ToArray();
        Assert.Equal(new[] { false, true, true, true }, cells);
    }

    [Fact]
    public void Quantile_EqualsTorchQuantilePerRow()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(11);
        var values = rand([8, 16], generator: gen);
        values[0] = tensor(new float[] { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4 }); // ties
        var q = tensor(RMixOptions.TopK(10).Take(8).ToArray());
        var expected = quantile(values, q, dim: 1).diagonal();
        Assert.True(RMix.Quantile(values, q).allclose(expected, 0, 0));
    }

    [Fact]
    public void Mix_WithQZero_ReducesToInputMixup()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(3);
        var images = randn([6, 3, 8, 8], generator: gen);
        var targets = SoftTargets.OneHot(tensor(new long[] { 0, 1, 2, 3, 4, 0 }), 5);
        var saliency = rand([6, 8, 8], generator: gen);
        var perm = tensor(new long[] { 3, 0, 5, 1, 2, 4 });
        var rmix = RMix.Mix(images, targets, saliency, zeros(6), 0.3, perm, 4);
        var mixup = InputMixup.Apply(images, targets, 0.3, perm);
        Assert.True(rmix.Inputs.allclose(mixup.Inputs, 1e-6, 1e-6));
        Assert.True(rmix.Targets.allclose(mixup.Targets, 1e-6, 1e-6));
    }

    [Fact]
    public void Mix_WithIdenticalMasks_IsPureMixup()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(4);
        var images = randn([2, 3, 8, 8], generator: gen);
        var targets = SoftTargets.OneHot(tensor(new long[] { 1, 3 }), 4);
        var map = rand([1, 8, 8], generator: gen);
        var saliency = cat([map, map * 2]); // same normalized map, so the same mask for the same q
        var perm = tensor(new long[] { 1, 0 });
        var rmix = RMix.Mix(images, targets, saliency, tensor(new float[] { 0.55f, 0.55f }), 0.7, perm, 4);
        var mixup = InputMixup.Apply(images, targets, 0.7, perm);
        Assert.True(rmix.Inputs.allclose(mixup.Inputs, 1e-6, 1e-6));
        Assert.True(rmix.Targets.allclose(mixup.Targets, 1e-6, 1e-6));
    }

    [Fact]
    public void Mix_WithComplementaryMasks_IsCutAndPaste()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(5);
        var images = randn([2, 3, 8, 8], generator: gen);
        var targets = SoftTargets.OneHot(tensor(new long[] { 1, 3 }), 4);
        // Left half salient for x0, right half for x1; q = .5 on a 2x2 grid keeps the 2 top cells.
        var left = cat([full(8, 4, 2f), full(8, 4, 1f)], 1).unsqueeze(0);
        var saliency = cat([left, left.flip(2)]);
        var q = tensor(new float[] { 0.5f, 0.5f });
        var perm = tensor(new long[] { 1, 0 });
        foreach (var lambda in new[] { 0.1, 0.8 })
        {
            var rmix = RMix.Mix(images, targets, saliency, q, lambda, perm, 2);
            var leftHalf = images[0, .., .., ..4];
            var rightHalf = images[1, .., .., 4..];
            var pasted = cat([leftHalf, rightHalf], 2);
            Assert.True(rmix.Inputs[0].allclose(pasted, 0, 0));
            Assert.True(rmix.Inputs[1].allclose(pasted, 0, 0));
            Assert.Equal(new float[] { 0, 0.5f, 0, 0.5f, 0, 0.5f, 0, 0.5f }, rmix.Targets.data<float>().ToArray());
        }
    }

    [Fact]
    public void Mix_SoftTargetsSumToOne_ForOneHotAndSoftTargets()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(6);
        var images = randn([16, 3, 16, 16], generator: gen);
        var onehot = SoftTargets.OneHot(randint(10, [16], generator: gen), 10);
        var soft = rand([16, 10], generator: gen).softmax(1);
        var saliency = rand([16, 16, 16], generator: gen);
        var q = tensor(RMixOptions.TopK(10)).index_select(0, randint(10, [16], generator: gen));
        var perm = randperm(16, generator: gen);
        foreach (var t in new[] { onehot, soft })
        foreach (var p in new[] { 2, 4, 8 })
        {
            var sums = RMix.Mix(images, t, saliency, q, 0.37, perm, p).Targets.sum(1);
            Assert.True(sums.allclose(ones(16), 1e-5, 1e-5));
        }
    }

    [Theory]
    [InlineData(1, 2, false)]
    [InlineData(2, 4, false)]
    [InlineData(3, 8, false)]
    [InlineData(4, 2, true)]
    [InlineData(5, 4, true)]
    [InlineData(6, 8, true)]
    public void Mix_EqualsSlowPerPixelReference(int seed, int p, bool tied)
    {
        using var scope = NewDisposeScope();
        const int b = 16, c = 3, side = 32, k = 10;
        var gen = new Generator((ulong)seed);
        var images = randn([b, c, side, side], generator: gen);
        var targets = rand([b, k], generator: gen).softmax(1);
        // Tied maps: a few integer levels, constant on 8x8 blocks, so pooled cells tie exactly.
        var saliency = tied
            ? randint(1, 4, [b, 4, 4], generator: gen).to(ScalarType.Float32).repeat_interleave(8, 1).repeat_interleave(8, 2)
            : rand([b, side, side], generator: gen);
        var q = tensor(RMixOptions.TopK(10)).index_select(0, randint(10, [b], generator: gen));
        var perm = randperm(b, generator: gen);
        double lambda = rand([1L], dtype: ScalarType.Float64, generator: gen).item<double>();

        var result = RMix.Mix(images, targets, saliency, q, lambda, perm, p);
        var (refImages, refTargets) = SlowRMix.Mix(
            images.data<float>().ToArray(), targets.data<float>().ToArray(), saliency.data<float>().ToArray(),
            q.data<float>().ToArray(), lambda, perm.data<long>().ToArray(), p, b, c, side, k);

        var got = result.Inputs.data<float>().ToArray();
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(got[i] - refImages[i]) < 1e-5, $"pixel {i}: {got[i]} vs {refImages[i]}");
        var gotT = result.Targets.data<float>().ToArray();
        for (int i = 0; i < gotT.Length; i++)
            Assert.True(Math.Abs(gotT[i] - refTargets[i]) < 1e-6, $"target {i}: {gotT[i]} vs {refTargets[i]}");
    }

    [Fact]
    public void Mix_MisshapenInputs_AreUsageErrorsNamingTheField()
    {
        using var scope = NewDisposeScope();
        var images = zeros(2, 1, 4, 4);
        var t = zeros(2, 3);
        var s = ones(2, 4, 4);
        var q = zeros(2);
        var perm = tensor(new long[] { 1, 0 });
        Assert.Contains("saliency", Assert.Throws<UsageException>(() => RMix.Mix(images, t, ones(2, 4, 5), q, .5, perm, 2)).Message);
        Assert.Contains("q", Assert.Throws<UsageException>(() => RMix.Mix(images, t, s, zeros(3), .5, perm, 2)).Message);
        Assert.Contains("targets", Assert.Throws<UsageException>(() => RMix.Mix(images, zeros(2), s, q, .5, perm, 2)).Message);
        Assert.Contains("permutation", Assert.Throws<UsageException>(() => RMix.Mix(images, t, s, q, .5, zeros(2, 1), 2)).Message);
        Assert.Contains("lambda", Assert.Throws<UsageException>(() => RMix.Mix(images, t, s, q, 1.5, perm, 2)).Message);
        Assert.Contains("p = 3", Assert.Throws<UsageException>(() => RMix.Mix(images, t, s, q, .5, perm, 3)).Message);
    }
}

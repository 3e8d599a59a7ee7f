using RLMix.Data;
using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Mixing;

public sealed class MixerTests
{
    // Image i is constant (i + 1) * 10, so every output pixel tells which image it came from.
    static Batch ConstantBatch(int b, int side = 8)
    {
        var values = arange(1, b + 1, dtype: ScalarType.Float32).mul(10).view(b, 1, 1, 1);
        return new Batch(values.expand(b, 3, side, side).contiguous(), arange(b, dtype: ScalarType.Int64));
    }

    static Tensor Derangement => tensor(new long[] { 1, 2, 3, 0 });

    [Fact]
    public void InputMixup_TargetWeightsEqualPixelProportions()
    {
        using var scope = NewDisposeScope();
        var batch = ConstantBatch(4);
        var result = new InputMixup(new MixupOptions()).Mix(batch, new MixContext(4, new Generator(1), Permutation: Derangement));
        var pixels = result.Inputs[.., 0, 0, 0].data<float>().ToArray();
        var targets = result.Targets.data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            double self = (i + 1) * 10, other = ((i + 1) % 4 + 1) * 10;
            double lambda = (pixels[i] - other) / (self - other);
            Assert.Equal(lambda, targets[i * 4 + i], 5);
            Assert.Equal(1 - lambda, targets[i * 4 + (i + 1) % 4], 5);
        }
        Assert.True(result.Inputs.eq(result.Inputs[.., .., ..1, ..1]).all().item<bool>(), "mixup mixes every pixel alike");
    }

    [Fact]
    public void CutMix_TargetWeightsEqualPixelProportions_AndBoxesStayInside()
    {
        using var scope = NewDisposeScope();
        var mixer = new CutMix(new CutMixOptions());
        var gen = new Generator(7);
        for (int trial = 0; trial < 50; trial++)
        {
            using var inner = NewDisposeScope();
            var batch = ConstantBatch(4, side: 10);
            var result = mixer.Mix(batch, new MixContext(4, gen, Permutation: Derangement));
            for (int i = 0; i < 4; i++)
            {
                int partner = (i + 1) % 4;
                var image = result.Inputs[i, 0];
                double pastedShare = image.eq((partner + 1) * 10).to(ScalarType.Float64).mean().item<double>();
                double keptShare = image.eq((i + 1) * 10).to(ScalarType.Float64).mean().item<double>();
                Assert.Equal(1.0, pastedShare + keptShare, 9);
                Assert.Equal(keptShare, result.Targets[i, i].item<float>(), 5);
                Assert.Equal(pastedShare, result.Targets[i, partner].item<float>(), 5);
            }
            var box = CutMix.RandomBox(10, 12, rand([1L], dtype: ScalarType.Float64, generator: gen).item<double>(), gen);
            Assert.InRange(box.X0, 0, box.X1);
            Assert.InRange(box.X1, box.X0, 12);
            Assert.InRange(box.Y0, 0, box.Y1);
            Assert.InRange(box.Y1, box.Y0, 10);
        }
    }

    [Fact]
    public void CutMix_Apply_PastesTheBoxAndCorrectsLambda()
    {
        using var scope = NewDisposeScope();
        var batch = ConstantBatch(2, side: 4);
        var targets = SoftTargets.OneHot(batch.Labels, 2);
        var (result, lambda) = CutMix.Apply(batch.Inputs, targets, new CutMixBox(1, 0, 3, 2), tensor(new long[] { 1, 0 }));
        Assert.Equal(0.75, lambda, 12);
        var expected = new float[] { 10, 20, 20, 10, 10, 20, 20, 10, 10, 10, 10, 10, 10, 10, 10, 10 };
        Assert.Equal(expected, result.Inputs[0, 1].flatten().data<float>().ToArray());
        Assert.Equal(new float[] { 0.75f, 0.25f, 0.25f, 0.75f }, result.Targets.data<float>().ToArray());
        Assert.Throws<UsageException>(() => CutMix.Apply(batch.Inputs, targets, new CutMixBox(1, 0, 5, 2), tensor(new long[] { 1, 0 })));
    }

    [Fact]
    public void Mixers_SameSeed_SameMix_DifferentSeed_DifferentMix()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(3);
        var batch = new Batch(randn([8, 3, 8, 8], generator: gen), randint(5, [8], generator: gen));
        var saliency = rand([8, 8, 8], generator: gen);
        // CutMix at prob 1: with the default 0.5 both seeds may leave the batch clean.
        IMixer[] mixers = [new InputMixup(new MixupOptions()), new CutMix(new CutMixOptions { Prob = 1 }), new RMixMixer(new RMixOptions())];
        foreach (var mixer in mixers)
        {
            MixResult Run(ulong seed) => mixer.Mix(batch, new MixContext(5, new Generator(seed), Saliency: saliency));
            var a = Run(42);
            var b = Run(42);
            var c = Run(43);
            Assert.True(a.Inputs.allclose(b.Inputs, 0, 0) && a.Targets.allclose(b.Targets, 0, 0), $"{mixer.Name} is not deterministic");
            Assert.False(a.Inputs.allclose(c.Inputs, 0, 0), $"{mixer.Name} ignores the seed");
            Assert.True(a.Targets.sum(1).allclose(ones(8), 1e-5, 1e-5));
        }
    }

    [Fact]
    public void RMixMixer_UsesGivenQLambdaAndPermutation()
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(9);
        var batch = new Batch(randn([4, 1, 8, 8], generator: gen), tensor(new long[] { 0, 1, 2, 1 }));
        var saliency = rand([4, 8, 8], generator: gen);
        var q = tensor(new float[] { 0, 0.33f, 0.66f, 0.99f });
        var perm = tensor(new long[] { 2, 3, 0, 1 });
        var mixer = new RMixMixer(new RMixOptions { Patches = [4] });
        var result = mixer.Mix(batch, new MixContext(3, new Generator(1), saliency, q, 0.4, perm));
        var expected = RMix.Mix(batch.Inputs, SoftTargets.OneHot(batch.Labels, 3), saliency, q, 0.4, perm, 4);
        Assert.True(result.Inputs.allclose(expected.Inputs, 0, 0));
        Assert.True(result.Targets.allclose(expected.Targets, 0, 0));
        Assert.Throws<UsageException>(() => mixer.Mix(batch, new MixContext(3, new Generator(1))));
    }

    [Fact]
    public void RMixSampler_DrawsQFromTheTopKValues()
    {
        using var scope = NewDisposeScope();
        var sampler = new RMixSampler(new RMixOptions());
        var q = sampler.Draw(2000, new Generator(5), CPU).Q.data<float>().ToArray();
        var topK = RMixOptions.TopK(10);
        var counts = topK.Select(v => q.Count(x => x == v)).ToArray();
        Assert.Equal(2000, counts.Sum());
        Assert.All(counts, n => Assert.InRange(n, 140, 260)); // 200 expected per value
        Assert.Equal(new[] { 0f, 0.11f, 0.22f, 0.33f, 0.44f, 0.55f, 0.66f, 0.77f, 0.88f, 0.99f }, topK);
        Assert.Equal(new[] { 0f, 0.495f, 0.99f }, new RMixOptions { K = 3 }.TopKValues());
    }

    [Fact]
    public void RMixSampler_DrawOrder_IsPThenActionsThenLambdaThenPermutation()
    {
        using var scope = NewDisposeScope();
        var options = new RMixOptions { Patches = [2, 4, 8], Alpha = 0.7 };
        var draw = new RMixSampler(options).Draw(6, new Generator(21), CPU);
        // The same calls by hand, in the documented order, on a generator with the same seed.
        var g = new Generator(21);
        int p = options.Patches[Sampling.Index(3, g)];
        var actions = randint(10, [6], dtype: ScalarType.Int64, generator: g);
        double lambda = Sampling.Beta(0.7, g);
        var perm = Sampling.Permutation(6, g, CPU);
        Assert.Equal(p, draw.P);
        Assert.Equal(actions.data<long>().ToArray(), draw.Actions!.data<long>().ToArray());
        Assert.Equal(lambda, draw.Lambda);
        Assert.Equal(perm.data<long>().ToArray(), draw.Permutation.data<long>().ToArray());
        Assert.Equal(actions.data<long>().Select(i => RMixOptions.TopK(10)[i]).ToArray(), draw.Q.data<float>().ToArray());

        // Given actions draw nothing: lambda and the permutation come next in the stream.
        var given = new RMixSampler(options).Draw(6, new Generator(21), CPU, actions: tensor(new long[] { 9, 0, 1, 2, 3, 4 }));
        var h = new Generator(21);
        Sampling.Index(3, h);
        Assert.Equal(Sampling.Beta(0.7, h), given.Lambda);
        Assert.Equal(0.99f, given.Q.data<float>()[0]);
    }

    [Fact]
    public void Options_Invalid_AreUsageErrorsNamingTheKey()
    {
        Assert.Contains("rmix.patches", Assert.Throws<UsageException>(() => new RMixMixer(new RMixOptions { Patches = [] })).Message);
        Assert.Contains("mixup.alpha", Assert.Throws<UsageException>(() => new InputMixup(new MixupOptions { Alpha = 0 })).Message);
        Assert.Contains("cutmix.alpha", Assert.Throws<UsageException>(() => new CutMix(new CutMixOptions { Alpha = -1 })).Message);
    }
}

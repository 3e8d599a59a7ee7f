using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Mixing;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Mixing;

/// <summary><c>cutmix.prob</c> and <c>mixup.prob</c>: the probability that a batch is mixed.</summary>
public sealed class MixProbabilityTests
{
    static Batch RandomBatch(int seed)
    {
        var gen = new Generator((ulong)seed);
        return new Batch(randn([6, 3, 8, 8], generator: gen), randint(4, [6], generator: gen));
    }

    static IMixer Gated(string method, double prob) => method == "cutmix"
        ? new CutMix(new CutMixOptions { Prob = prob })
        : new InputMixup(new MixupOptions { Prob = prob });

    static bool Same(MixResult a, MixResult b) => a.Inputs.allclose(b.Inputs, 0, 0) && a.Targets.allclose(b.Targets, 0, 0);

    [Fact]
    public void Defaults_AreTheCutMixCifarRecipeAndAlwaysForMixup()
    {
        Assert.Equal(0.5, new CutMixOptions().Prob);
        Assert.Equal(1.0, new MixupOptions().Prob);
    }

    [Theory]
    [InlineData("cutmix")]
    [InlineData("mixup")]
    public void Gate_FollowsOneUniformDrawOfTheMethodsGenerator_ThenMixesAsProbOne(string method)
    {
        // Independent reading of the gate: u = the generator's first uniform; u < prob means the
        // batch is mixed exactly as the ungated mixer mixes it with the generator's remaining draws,
        // else it comes back clean with one-hot targets.
        const double prob = 0.3;
        int mixed = 0;
        for (var seed = 0; seed < 200; seed++)
        {
            using var scope = NewDisposeScope();
            var batch = RandomBatch(seed);
            var result = Gated(method, prob).Mix(batch, new MixContext(4, new Generator((ulong)seed)));

            var reference = new Generator((ulong)seed);
            double u = rand([1], dtype: ScalarType.Float64, generator: reference).item<double>();
            MixResult expected = u < prob
                ? Gated(method, 1).Mix(batch, new MixContext(4, reference))
                : new MixResult(batch.Inputs, SoftTargets.OneHot(batch.Labels, 4));
            Assert.True(Same(result, expected), $"seed {seed}: u = {u}");
            if (u < prob) mixed++;
        }
        Assert.InRange(mixed, 34, 86); // Binomial(200, 0.3): mean 60, sd 6.5
    }

    [Theory]
    [InlineData("cutmix")]
    [InlineData("mixup")]
    public void ProbZero_LeavesEveryBatchClean_AndProbOneDrawsNothingExtra(string method)
    {
        using var scope = NewDisposeScope();
        var batch = RandomBatch(1);
        var gen = new Generator(5);
        var clean = Gated(method, 0).Mix(batch, new MixContext(4, gen));
        Assert.True(Same(clean, new MixResult(batch.Inputs, SoftTargets.OneHot(batch.Labels, 4))));
        // Nothing was drawn: the generator is where a fresh one with the same seed is.
        Assert.Equal(rand([3], generator: new Generator(5)).data<float>().ToArray(), rand([3], generator: gen).data<float>().ToArray());

        // prob 1 mixes as the mixer did before the gate existed: lambda is the generator's first draw,
        // then the box (cutmix), then the permutation.
        var always = Gated(method, 1).Mix(batch, new MixContext(4, new Generator(8)));
        var g = new Generator(8);
        var lambda = Sampling.Beta(1.0, g);
        var oneHot = SoftTargets.OneHot(batch.Labels, 4);
        var expected = method == "cutmix"
            ? CutMix.Apply(batch.Inputs, oneHot, CutMix.RandomBox(8, 8, lambda, g), Sampling.Permutation(6, g, batch.Inputs.device)).Result
            : InputMixup.Apply(batch.Inputs, oneHot, lambda, Sampling.Permutation(6, g, batch.Inputs.device));
        Assert.True(Same(always, expected));
    }

    [Theory]
    [InlineData("cutmix", -0.1)]
    [InlineData("cutmix", 1.5)]
    [InlineData("mixup", double.NaN)]
    public void ProbOutsideZeroOne_IsAUsageErrorNamingTheKey(string method, double prob)
    {
        var e = Assert.Throws<UsageException>(() => Gated(method, prob));
        Assert.Contains($"{method}.prob", e.Message);
    }

    [Fact]
    public void ConfigSection_SetsProb()
    {
        var c = ConfigFile.Parse("""{ "method": "cutmix", "cutmix": { "prob": 0.25 }, "mixup": { "prob": 0.75 } }""", TestMethods.Catalog.Names);
        Assert.Equal(0.25, c.Methods.Get<CutMixOptions>("cutmix").Prob);
        Assert.Equal(0.75, c.Methods.Get<MixupOptions>("mixup").Prob);
    }
}

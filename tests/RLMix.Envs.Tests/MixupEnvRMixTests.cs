using RLMix.Data;
using RLMix.Envs.Mixup;
using RLMix.Mixing;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

/// <summary>
/// MixupEnv mixes with R-Mix's sampler: given the q a policy chose, an env step is RMixMixer with that q
/// and a generator of the env's seed (p, lambda and the permutation in the same order), step after step.
/// The random policy lives outside the env (Gymnasium), so its q draws have their own generator; what is
/// equal is everything the env draws.
/// </summary>
public sealed class MixupEnvRMixTests
{
    const int B = 6, N = 3;

    /// <summary>The fake backend, but mixing with the real R-Mix and keeping each mix.</summary>
    sealed class RealMixBackend : IMixupBackend
    {
        readonly FakeMixupBackend fake = new(N);
        public List<(float[] Inputs, float[] Targets)> Mixes { get; } = [];
        public (Tensor Saliency, Tensor Logits) CleanPass(Batch batch) => fake.CleanPass(batch);
        public Tensor PoolAndNormalize(Tensor saliency, int grid) => fake.PoolAndNormalize(saliency, grid);
        public MixResult Mix(Tensor images, Tensor targets, Tensor saliency, Tensor q, double lambda, Tensor permutation, int p)
        {
            var r = RMix.Mix(images, targets, saliency, q, lambda, permutation, p);
            Mixes.Add((r.Inputs.data<float>().ToArray(), r.Targets.data<float>().ToArray()));
            return r;
        }
        public StepResult TrainStep(Tensor inputs, Tensor targets) => fake.TrainStep(inputs, targets);
        public Tensor SaliencyFromGradient(Tensor gradient) => fake.SaliencyFromGradient(gradient);
    }

    [Fact]
    public void EnvSteps_WithARandomPolicysActions_AreRMixMixerWithTheseQs()
    {
        using var scope = NewDisposeScope();
        var options = new RMixOptions { Alpha = 0.6, Patches = [2, 4, 8], K = 7 };
        var backend = new RealMixBackend();
        using var env = new MixupEnv(backend, SyntheticBatches.Source(B, full: 3), N, B, options: new MixupEnvOptions { RMix = options }, seed: 13);
        var policy = new Generator(99);
        env.Reset();
        var actions = new List<Tensor>();
        for (int t = 0; t < 3; t++)
        {
            actions.Add(env.ActionSpace.Sample(policy));      // what RandomPolicy does
            env.Step(actions[t]);
        }

        var mixer = new RMixMixer(options);
        var generator = new Generator(13);                  // the env's seed, continued across steps
        var batches = SyntheticBatches.Source(B, full: 3, numClasses: N)(1).ToList();
        for (int t = 0; t < 3; t++)
        {
            var q = mixer.Sampler.Q(actions[t]);
            var expected = mixer.Mix(batches[t], new MixContext(N, generator, FakeMixupBackend.FakeSaliency(batches[t].Inputs), q));
            Assert.Equal(expected.Inputs.data<float>().ToArray(), backend.Mixes[t].Inputs);
            Assert.Equal(expected.Targets.data<float>().ToArray(), backend.Mixes[t].Targets);
        }
        Assert.Equal(Enumerable.Repeat(7L, B), ((Spaces.MultiDiscrete)env.ActionSpace).Nvec);   // K from the options
    }
}

using RLMix.Data;
using RLMix.Methods;
using RLMix.Mixing;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Mixing;

public sealed class MemoryTests
{
    [Fact]
    public void RepeatedSteps_DoNotGrowTheLiveTensorCount()
    {
        using var model = TinyClassifier.Create(1, 3, 8, seed: 1);
        using var lamix = new LaMixMethod(new LaMixOptions());
        lamix.Attach(model, initSeed: 0);
        var gen = new Generator(2);
        var batch = new Batch(randn([8, 1, 8, 8], generator: gen), randint(3, [8], generator: gen));
        IMixer[] mixers = [new InputMixup(new MixupOptions()), new CutMix(new CutMixOptions()), new RMixMixer(new RMixOptions())];

        void Iteration(int i)
        {
            using var scope = NewDisposeScope();
            var (saliency, _) = Saliency.Compute(model, batch.Inputs, batch.Labels);
            foreach (var mixer in mixers)
                mixer.Mix(batch, new MixContext(3, gen, saliency));
            lamix.Loss(model, lamix.Prepare(batch, new MethodStep(1, i, 3, gen))).backward();
        }

        Iteration(0);
        Iteration(1);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 10; i++)
            Iteration(i);
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}

using RLMix.Data;
using RLMix.Envs.Mixup;
using RLMix.Mixing;
using RLMix.Training;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace RLMix.Envs.Tests;

/// <summary>
/// A deterministic stand-in for Trainer/Saliency/RMix so the env's logic is tested on its own:
/// saliency = |x| averaged over channels (+0.01), logits = the first N pixels, mixing = plain
/// lambda mixup, the "input gradient" = 2 x the mixed input. It records what it was asked.
/// </summary>
sealed class FakeMixupBackend(int numClasses) : IMixupBackend
{
    public int CleanPasses { get; private set; }
    public int TrainSteps { get; private set; }
    public List<float[]> QsSeen { get; } = [];
    public List<double> LambdasSeen { get; } = [];
    public List<int> PatchesSeen { get; } = [];
    public List<long[]> PermutationsSeen { get; } = [];

    public static Tensor FakeSaliency(Tensor inputs) => inputs.abs().mean([1]) + 0.01f;

    public static Tensor FakeLogits(Tensor inputs) => inputs.flatten(1).narrow(1, 0, 3);

    public (Tensor Saliency, Tensor Logits) CleanPass(Batch batch)
    {
        CleanPasses++;
        return (FakeSaliency(batch.Inputs), inputsToLogits(batch.Inputs));
    }

    Tensor inputsToLogits(Tensor inputs) => inputs.flatten(1).narrow(1, 0, numClasses);

    public Tensor PoolAndNormalize(Tensor saliency, int grid)
    {
        var pooled = avg_pool2d(saliency.unsqueeze(1), saliency.shape[1] / grid).squeeze(1);
        return pooled / pooled.sum([1, 2], keepdim: true);
    }

    public MixResult Mix(Tensor images, Tensor targets, Tensor saliency, Tensor q, double lambda, Tensor permutation, int p)
    {
        QsSeen.Add(q.cpu().data<float>().ToArray());
        LambdasSeen.Add(lambda);
        PatchesSeen.Add(p);
        PermutationsSeen.Add(permutation.cpu().data<long>().ToArray());
        var l = (float)lambda;
        return new MixResult(l * images + (1 - l) * images.index_select(0, permutation), l * targets + (1 - l) * targets.index_select(0, permutation));
    }

    public StepResult TrainStep(Tensor inputs, Tensor targets)
    {
        TrainSteps++;
        var logits = inputsToLogits(inputs);
        var loss = -(targets * log_softmax(logits, 1)).sum(1).mean();
        return new StepResult(loss, logits, inputs * 2f);
    }

    public Tensor SaliencyFromGradient(Tensor gradient) => gradient.pow(2).mean([1]).sqrt();
}

/// <summary>Synthetic batches: epoch e yields <c>full</c> batches of B seeded images (and optionally a smaller remainder).</summary>
static class SyntheticBatches
{
    public static Func<int, IEnumerable<Batch>> Source(int batchSize, int full, int remainder = 0, int side = 16, int channels = 2, int numClasses = 3) =>
        epoch => Enumerate(epoch, batchSize, full, remainder, side, channels, numClasses);

    static IEnumerable<Batch> Enumerate(int epoch, int batchSize, int full, int remainder, int side, int channels, int numClasses)
    {
        var g = new TorchSharp.torch.Generator((ulong)(1000 + epoch));
        for (var i = 0; i < full; i++)
            yield return new Batch(rand([batchSize, channels, side, side], generator: g).DetachFromDisposeScope(),
                randint(0, numClasses, [batchSize], generator: g).DetachFromDisposeScope());
        if (remainder > 0)
            yield return new Batch(rand([remainder, channels, side, side], generator: g).DetachFromDisposeScope(),
                randint(0, numClasses, [remainder], generator: g).DetachFromDisposeScope());
    }
}

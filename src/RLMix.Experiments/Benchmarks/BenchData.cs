using RLMix.Data;
using RLMix.Errors;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// The benchmark's input: real images (the embedded fashion-mnist-mini, zero-padded to the bench's side and
/// repeated over its channels) and the weights of a model briefly trained on them (vanilla, one-cycle, a few
/// dozen steps). A trained model's saliency concentrates on the object, one blob per image, which is the
/// shape that makes Co-Mixup's graph cuts work (all outer iterations); an untrained model on random inputs
/// gives i.i.d.-like saliency that converges after two.
/// </summary>
sealed class BenchData : IDisposable
{
    /// <summary>Number of distinct batches the timed steps cycle through.</summary>
    public const int TimingBatches = 8;

    BenchData(List<Batch> batches, Dictionary<string, Tensor> state, string description)
    {
        Batches = batches;
        TrainedState = state;
        Description = description;
    }

    /// <summary>Distinct batches for the timed steps (inputs normalized, as a loader gives them).</summary>
    public IReadOnlyList<Batch> Batches { get; }

    /// <summary>State dict of the briefly trained model (each method's model starts from it).</summary>
    public Dictionary<string, Tensor> TrainedState { get; }

    /// <summary>What the data and the pre-training were, for the report.</summary>
    public string Description { get; }

    /// <summary>Loads the images and trains a model on them for <see cref="BenchOptions.PretrainSteps"/> steps.</summary>
    public static BenchData Create(BenchOptions o, Device device)
    {
        int channels = o.Image[0], side = o.Image[1];
        if (o.Image.Length != 3 || o.Image[2] != side || side < 28)
            throw new UsageException($"The bench images are fashion-mnist-mini padded to a square of side 28 or more; got [{string.Join(", ", o.Image)}].");
        var dataOptions = new DataOptions { Dataset = DatasetCatalog.FashionMnistMini, BatchSize = o.BatchSize, PadTo = side, Augment = false };
        var splits = DatasetCatalog.Load(dataOptions, o.Seed);
        var loader = DataLoader.ForTraining(splits.Train, dataOptions, o.Seed, device);
        if (loader.BatchesPerEpoch < 1) throw new UsageException($"--batch-size {o.BatchSize} is larger than fashion-mnist-mini's {splits.Train.Count} training images.");

        using var model = ModelFactory.Create(o.Model, channels, splits.Train.NumClasses, o.Seed);
        model.to(device);
        using (var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: Math.Max(1, o.PretrainSteps), epochs: 1))
        {
            int step = 0;
            for (int epoch = 0; step < o.PretrainSteps; epoch++)
                foreach (var batch in loader.Epoch(epoch))
                {
                    using var scope = NewDisposeScope();
                    using (batch)
                    {
                        var x = Expand(batch.Inputs, channels);
                        trainer.Step(x, nn.functional.one_hot(batch.Labels, splits.Train.NumClasses).to(float32));
                    }
                    if (++step >= o.PretrainSteps) break;
                }
        }
        var batches = new List<Batch>();
        foreach (var batch in loader.Epoch(1_000_000).Take(TimingBatches))
        {
            using (batch)
            {
                using var scope = NewDisposeScope();
                batches.Add(new Batch(Expand(batch.Inputs, channels).MoveToOuterDisposeScope(), batch.Labels.clone().MoveToOuterDisposeScope()));
            }
        }
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        splits.Train.Images.Dispose(); splits.Train.Labels.Dispose(); splits.Test.Images.Dispose(); splits.Test.Labels.Dispose();
        var description = $"fashion-mnist-mini, {batches.Count} batches cycled, padded to {side}x{side}, {channels} channel(s); " +
                          $"model pre-trained {o.PretrainSteps} vanilla steps (seed {o.Seed})";
        return new BenchData(batches, state, description);
    }

    /// <summary>Grayscale images repeated over <paramref name="channels"/> channels (the model's input width).</summary>
    static Tensor Expand(Tensor x, int channels) =>
        x.shape[1] == channels ? x.alias() : x.shape[1] == 1 ? x.expand(x.shape[0], channels, x.shape[2], x.shape[3]).contiguous()
            : throw new UsageException($"Cannot give {x.shape[1]}-channel images to a {channels}-channel model.");

    /// <summary>
    /// Blob-shaped saliency <c>[B, side, side]</c>: one Gaussian blob per image (center uniform over the image,
    /// width 2-5 pixels) plus uniform noise of 5% of its peak. Deterministic in <paramref name="seed"/>.
    /// </summary>
    public static Tensor BlobSaliency(int batch, int side, int seed)
    {
        var random = new Random(seed);
        var values = new float[batch * side * side];
        for (int b = 0; b < batch; b++)
        {
            double cy = random.NextDouble() * side, cx = random.NextDouble() * side, sigma = 2 + 3 * random.NextDouble();
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    double d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
                    values[(b * side + y) * side + x] = (float)(Math.Exp(-d2 / (2 * sigma * sigma)) + 0.05 * random.NextDouble());
                }
        }
        return tensor(values, [batch, side, side]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var b in Batches) b.Dispose();
        foreach (var t in TrainedState.Values) t.Dispose();
    }
}

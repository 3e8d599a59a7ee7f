using RLMix.Data;
using RLMix.Mixing;
using RLMix.Models;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Mixing;

/// <summary>
/// Channels-last changes the last bits of the saliency; R-Mix's masks are thresholds of it, so a cell
/// near its image's quantile could flip. On real images and a model that trains between the batches,
/// the masks of both layouts must agree on at least 99% of the cells (README, Speed).
/// </summary>
public sealed class ChannelsLastMaskAgreementTests
{
    [Fact]
    public void RMixMasks_FromChannelsLastSaliency_AgreeWithContiguousOnAtLeast99PercentOfCells()
    {
        var options = new DataOptions { BatchSize = 100 };
        var splits = DatasetCatalog.Load(options, seed: 0);
        var loader = DataLoader.ForTraining(splits.Train, options, seed: 0, CPU);
        using var model = ModelFactory.Create("small-cnn", (int)loader.ImageShape[0], splits.Train.NumClasses, seed: 0);
        using var trainer = new Trainer(model, new TrainerOptions(), loader.BatchesPerEpoch, epochs: 1);
        var q = new RMixOptions().TopKValues();
        long agree = 0, cells = 0;
        foreach (var batch in loader.Epoch(1).Take(4))
        {
            using (batch)
            using (var scope = NewDisposeScope())
            {
                var contiguous = SaliencyIn(model, MemoryFormat.Contiguous, batch);
                var channelsLast = SaliencyIn(model, MemoryFormat.ChannelsLast, batch);
                // Not to float precision: where a max-pool window holds (near-)equal values, as on Fashion-MNIST's
                // black background, the last bits decide which pixel the gradient goes to (about 1% of the norm
                // here). A wrong layout (channels or sides mixed up) would differ by the order of the norm.
                double relative = ((contiguous - channelsLast).norm() / contiguous.norm()).item<float>();
                Assert.True(relative < 0.05, $"saliency maps differ by {relative:G3} relative to their norm");
                foreach (int p in new[] { 2, 4, 8 })
                    foreach (float level in q)
                    {
                        var levels = full([batch.Inputs.shape[0]], level);
                        var a = RMix.CellMasks(contiguous, levels, p);
                        var b = RMix.CellMasks(channelsLast, levels, p);
                        agree += a.eq(b).sum().item<long>();
                        cells += a.numel();
                    }
                trainer.Step(batch.Inputs, nn.functional.one_hot(batch.Labels, splits.Train.NumClasses).to(float32));
            }
        }
        Assert.Equal(4L * 100 * (4 + 16 + 64) * q.Length, cells);
        Assert.True(agree >= 0.99 * cells, $"masks agree on {agree} of {cells} cells");
    }

    /// <summary>The saliency with the model in <paramref name="format"/>; its BatchNorm statistics are left as they were.</summary>
    static Tensor SaliencyIn(ClassifierModel model, string format, Batch batch)
    {
        var buffers = model.named_buffers().Select(b => (b.buffer, copy: b.buffer.clone())).ToList();
        var previous = model.MemoryFormat;
        model.MemoryFormat = format;
        try
        {
            return Saliency.Compute(model, batch.Inputs, batch.Labels).Saliency;
        }
        finally
        {
            model.MemoryFormat = previous;
            using (no_grad())
                foreach (var (buffer, copy) in buffers) buffer.copy_(copy);
        }
    }
}

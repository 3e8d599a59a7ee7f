using System.Globalization;
using RLMix.Data;
using RLMix.Mixing;
using RLMix.Models;
using RLMix.Training;
using static TorchSharp.torch;

using static RLMix.Benchmarks.RoundsCommand;

namespace RLMix.Benchmarks;

/// <summary>
/// How often R-Mix's masks from channels-last saliency equal the contiguous ones over one real epoch of
/// R-Mix training: <c>dotnet run -c Release --project benchmarks/RLMix.Benchmarks -- layout-masks
/// [--dataset fashion-mnist-mini] [--epochs 1] [--seed 0]</c>. Every batch: the saliency in both layouts
/// (same weights; the BatchNorm statistics are restored after the extra pass), the cell masks of both at
/// every q of R-Mix's top-k list and p in {2, 4, 8}, then one R-Mix step (channels-last) so the model trains.
/// </summary>
public static class LayoutMaskAgreement
{
    /// <summary>Runs the epoch(s) and prints the agreement; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string dataset = Arg(args, "--dataset", DatasetCatalog.FashionMnistMini);
        int epochs = int.Parse(Arg(args, "--epochs", "1"), CultureInfo.InvariantCulture);
        long seed = long.Parse(Arg(args, "--seed", "0"), CultureInfo.InvariantCulture);
        var options = new DataOptions { Dataset = dataset, BatchSize = 100 };
        var splits = DatasetCatalog.Load(options, seed);
        var loader = DataLoader.ForTraining(splits.Train, options, seed, CPU);
        int classes = splits.Train.NumClasses;
        using var model = ModelFactory.Create("small-cnn", (int)loader.ImageShape[0], classes, seed, MemoryFormat.ChannelsLast);
        using var trainer = new Trainer(model, new TrainerOptions(), loader.BatchesPerEpoch, epochs);
        var mixer = new RMixMixer(new RMixOptions());
        using var generator = new Generator((ulong)seed);
        var q = mixer.Options.TopKValues();
        int[] grids = [2, 4, 8];
        var agree = new long[grids.Length];
        var cells = new long[grids.Length];
        double worstBatch = 1, relativeSum = 0;
        int batches = 0;
        for (int epoch = 1; epoch <= epochs; epoch++)
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                using (var scope = NewDisposeScope())
                {
                    var buffers = model.named_buffers().Select(b => (b.buffer, copy: b.buffer.clone())).ToList();
                    model.MemoryFormat = MemoryFormat.Contiguous;
                    var contiguous = Saliency.Compute(model, batch.Inputs, batch.Labels).Saliency;
                    model.MemoryFormat = MemoryFormat.ChannelsLast;
                    using (no_grad())
                        foreach (var (buffer, copy) in buffers) buffer.copy_(copy);
                    var channelsLast = Saliency.Compute(model, batch.Inputs, batch.Labels).Saliency;
                    relativeSum += ((contiguous - channelsLast).norm() / contiguous.norm()).item<float>();
                    long batchAgree = 0, batchCells = 0;
                    for (int g = 0; g < grids.Length; g++)
                        foreach (float level in q)
                        {
                            var levels = full([batch.Inputs.shape[0]], level);
                            var a = RMix.CellMasks(contiguous, levels, grids[g]);
                            var b = RMix.CellMasks(channelsLast, levels, grids[g]);
                            long same = a.eq(b).sum().item<long>();
                            agree[g] += same; cells[g] += a.numel();
                            batchAgree += same; batchCells += a.numel();
                        }
                    worstBatch = Math.Min(worstBatch, (double)batchAgree / batchCells);
                    batches++;
                    var mixed = mixer.Mix(batch, new MixContext(classes, generator, channelsLast));
                    trainer.Step(mixed.Inputs, mixed.Targets);
                }
            }
        Console.WriteLine($"{dataset}, small-cnn, seed {seed}, {epochs} epoch(s) of R-Mix training, {batches} batches; masks at q in {{{string.Join(", ", q.Select(v => v.ToString("0.##", CultureInfo.InvariantCulture)))}}}");
        for (int g = 0; g < grids.Length; g++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p = {grids[g]}: {agree[g]} of {cells[g]} cells agree ({100.0 * agree[g] / cells[g]:F3}%)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"all: {100.0 * agree.Sum() / cells.Sum():F3}%; worst batch {100 * worstBatch:F3}%; saliency difference / norm, mean over batches {relativeSum / batches:G3}"));
        return 0;
    }
}

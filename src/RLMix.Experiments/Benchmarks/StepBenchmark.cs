using System.Diagnostics;
using RLMix.Data;
using RLMix.Mixing;
using RLMix.Mixing.CoMixup;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// Times one full training step of each method (saliency, mixing, solver, agent included) on the
/// same model architecture and the same synthetic batch, interleaved round by round in one process
/// after a warm-up, so that drifts of the machine hit every method alike. Reports medians and the
/// ratio to vanilla, the saliency pass alone, extra parts registered by methods, and memory growth.
/// </summary>
public static class StepBenchmark
{
    /// <summary>Runs the benchmark; <paramref name="progress"/> receives a line per phase.</summary>
    public static BenchReport Run(BenchOptions o, Action<string>? progress = null)
    {
        progress ??= _ => { };
        var device = torch.device(o.Device);
        var names = (o.Methods ?? MethodRegistry.Names).Where(n => n != "vanilla").Prepend("vanilla").ToList(); // vanilla first: the reference
        const int numClasses = 10;

        using var data = new Generator((ulong)o.Seed);
        using var inputs = torch.randn([o.BatchSize, .. o.Image.Select(i => (long)i)], generator: data).to(device);
        using var labels = torch.randint(0, numClasses, [o.BatchSize], dtype: ScalarType.Int64, generator: data).to(device);
        var batch = new Batch(inputs, labels);

        var runners = names.Select(n => new Runner(n, o, numClasses, device)).ToList();
        try
        {
            progress($"Warm-up: {o.WarmupSteps} steps per method ({string.Join(", ", names)})");
            foreach (var r in runners)
                for (int i = 0; i < o.WarmupSteps; i++) r.Step(batch);

            progress($"Timing: {o.Steps} interleaved rounds of {o.BlockSteps} steps per method");
            var saliencyModel = runners[0].Model;
            var saliencyTimes = new List<double>();
            for (int s = 0; s < o.Steps; s++)
            {
                foreach (var r in runners) r.Times.Add(Time(() => { for (int k = 0; k < o.BlockSteps; k++) r.Step(batch); }) / o.BlockSteps);
                saliencyTimes.Add(Time(() =>
                {
                    using var scope = torch.NewDisposeScope();
                    Saliency.Compute(saliencyModel, inputs, labels);
                }));
            }

            double vanilla = Median(runners[0].Times);
            var methods = runners.Select(r => new MethodTiming(r.Name, Median(r.Times), Median(r.Times) / vanilla)).ToList();
            var parts = new List<PartTiming> { new("saliency", Median(saliencyTimes)) };
            progress("Timing the mixing parts on their own");
            using (var saliency = Saliency.Compute(saliencyModel, inputs, labels).Saliency)
                foreach (var (name, action) in MixingParts(inputs, labels, saliency, numClasses))
                {
                    for (int i = 0; i < o.WarmupSteps; i++) action();
                    parts.Add(new PartTiming(name, Median(Enumerable.Range(0, o.Steps).Select(_ => Time(action)).ToList())));
                }

            var memory = new List<MemoryGrowth>();
            if (o.MemorySteps > 0)
                foreach (var r in runners)
                {
                    progress($"Memory: {o.MemorySteps} steps of {r.Name}");
                    memory.Add(MeasureMemory(r, batch, o.MemorySteps));
                }
            return new BenchReport(o.Device, o.Model, o.BatchSize, o.Image, o.Steps, methods, parts, memory, VersionInfo.All);
        }
        finally
        {
            foreach (var r in runners) r.Dispose();
        }
    }

    /// <summary>
    /// What the mixers add beyond the saliency pass and the training step, on the benchmark's batch and
    /// its real saliency: R-Mix's mixing, Co-Mixup's whole mixing (solver and tensor work) with and
    /// without parallel partitions, and the Co-Mixup solver alone on one partition of 20 images.
    /// </summary>
    static IEnumerable<(string Name, Action Action)> MixingParts(Tensor inputs, Tensor labels, Tensor saliency, int numClasses)
    {
        int b = (int)inputs.shape[0];
        using var generator = new Generator(7);
        var targets = nn.functional.one_hot(labels, numClasses).to(float32);
        var rmix = new RMixMixer(new RMixOptions());
        var batch = new Batch(inputs, labels);
        yield return ("rmix-mixing-per-batch", () =>
        {
            using var scope = torch.NewDisposeScope();
            rmix.Mix(batch, new MixContext(numClasses, generator, saliency));
        });
        foreach (var parallel in new[] { true, false })
        {
            var options = new CoMixupOptions { ParallelPartitions = parallel };
            long seed = 0;
            yield return ($"comixup-mixing-per-batch{(parallel ? "" : "-serial")}", () =>
            {
                using var scope = torch.NewDisposeScope();
                var z = Mixing.CoMixup.CoMixup.Solve(saliency, options, seed++);
                Mixing.CoMixup.CoMixup.Mix(inputs, targets, z);
            });
        }
        int m = Math.Min(20, b);
        using var part = saliency.narrow(0, 0, m);
        var serial = new CoMixupOptions { ParallelPartitions = false, PartitionSize = m };
        long partSeed = 0;
        yield return ("comixup-solver-per-partition", () => Mixing.CoMixup.CoMixup.Solve(part, serial, partSeed++));
        targets.Dispose();
    }

    static MemoryGrowth MeasureMemory(Runner r, Batch batch, int steps)
    {
        static double Rss() { using var p = Process.GetCurrentProcess(); p.Refresh(); return p.WorkingSet64 / 1048576.0; }
        static double Managed() => GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        // Steady state first: allocator caches fill during the first steps.
        for (int i = 0; i < 10; i++) r.Step(batch);
        double rss0 = Rss(), managed0 = Managed();
        long live0 = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        for (int i = 0; i < steps; i++) r.Step(batch);
        double managed1 = Managed();
        long live1 = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        return new MemoryGrowth(r.Name, rss0, Rss(), managed0, managed1, live0, live1, steps);
    }

    /// <summary>
    /// Method settings of the benchmark: defaults, except that RL-Mix's online agent has a rollout of
    /// <see cref="BenchOptions.BlockSteps"/> steps, so every timed block contains exactly one PPO update
    /// (10 epochs over the rollout) and the time per step includes its share of the updates.
    /// </summary>
    static MethodSettings Settings(BenchOptions o)
    {
        var settings = o.MethodOptions ?? MethodSettings.Defaults;
        return settings.With("rlmix", "n_steps", o.BlockSteps).With("rlmix", "batch_size", o.BlockSteps);
    }

    static double Time(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalMilliseconds;
    }

    static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    /// <summary>One method with its own model (same initialization), trainer and generator.</summary>
    sealed class Runner : IDisposable
    {
        public readonly string Name;
        public readonly ClassifierModel Model;
        public readonly List<double> Times = [];
        readonly ITrainingMethod method;
        readonly Trainer trainer;
        readonly Generator generator;
        readonly int numClasses;
        int step;

        public Runner(string name, BenchOptions o, int numClasses, Device device)
        {
            Name = name;
            this.numClasses = numClasses;
            Model = ModelFactory.Create(o.Model, o.Image[0], numClasses, o.Seed);
            Model.to(device);
            method = MethodRegistry.Create(name, Settings(o));
            method.Attach(Model, o.Seed + 2);
            // A long schedule so the learning rate stays moderate over the benchmark's steps.
            trainer = new Trainer(Model, new TrainerOptions(), stepsPerEpoch: 1000, epochs: 10, method.ExtraParameters);
            generator = new Generator((ulong)o.Seed + 1, device);
        }

        public void Step(Batch batch)
        {
            using var scope = torch.NewDisposeScope();
            method.TrainStep(trainer, batch, new MethodStep(1, step++, numClasses, generator));
        }

        public void Dispose()
        {
            method.Dispose();
            trainer.Dispose();
            Model.Dispose();
            generator.Dispose();
        }
    }
}

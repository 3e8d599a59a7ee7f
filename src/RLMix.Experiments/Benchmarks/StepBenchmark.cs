using System.Diagnostics;
using RLMix.Data;
using RLMix.Methods;
using RLMix.Mixing;
using RLMix.Mixing.CoMixup;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Experiments.Benchmarks;

/// <summary>
/// Times one full training step of each method (saliency, mixing, solver, agent included) on the same model
/// architecture, starting from the same briefly trained weights, on the same real batches, in short
/// alternating rounds in one process, a vanilla block between any two others: each method's ratio to vanilla
/// is taken against the two vanilla blocks around it and the report gives the median over rounds with a
/// bootstrap 95% interval, so that a load that changes between or during rounds does not skew the ratios. A method's
/// periodic work (RL-Mix's PPO update) is timed on its own in the same rounds and charged to each of its steps at the rate
/// its options give (<see cref="IPeriodicWork"/>). Also times the parts of a step (saliency pass, Co-Mixup's clean backward, a
/// BCE step) in the same rounds, the mixers on their own (Co-Mixup serial against parallel, on the model's
/// saliency and on blob-shaped saliency), and memory growth.
/// </summary>
public static class StepBenchmark
{
    const int NumClasses = 10;

    // RL-Mix's cost is stated against R-Mix's (its target is at most 1.15x R-Mix).
    static readonly (string Method, string To)[] PairsOfInterest = [("rlmix", "rmix")];

    /// <summary>
    /// Runs the benchmark of <paramref name="methods"/>' methods; <paramref name="progress"/> receives a line per phase.
    /// Every timed method and its options are checked (<see cref="MethodCatalog.Check"/>) before anything runs.
    /// </summary>
    public static BenchReport Run(MethodCatalog methods, BenchOptions o, Action<string>? progress = null)
    {
        progress ??= _ => { };
        var machine = MachineInfo.Capture();
        if (machine.BuildConfiguration != "Release")
            progress($"WARNING: this is a {machine.BuildConfiguration} build; timings of a Debug build are not representative (build with -c Release).");
        var device = torch.device(o.Device);
        var names = (o.Methods ?? methods.Names).Where(n => n != "vanilla").Prepend("vanilla").ToList(); // vanilla first: the reference
        foreach (var name in names) methods.Check(name, o.MethodOptions ?? MethodSettings.Defaults);
        int seed = unchecked((int)o.Seed);

        progress($"Data: fashion-mnist-mini; pre-training the model for {o.PretrainSteps} steps");
        using var data = BenchData.Create(o, device);
        var runners = names.Select(n => new Runner(n, methods.Create(n, o.MethodOptions ?? MethodSettings.Defaults), o, data, device)).ToList();
        using var probes = new Probes(o, data, device);
        try
        {
            var entries = runners.Select(r => new TimedEntry(r.Name, r.Block)).ToList();
            // A method's periodic work (RL-Mix's PPO update) is a part of its own, one unit per step of a block, and the
            // method's step is charged the units its options give each step, round by round.
            var charges = new List<Charge>();
            for (int i = 0; i < runners.Count; i++)
                if (runners[i].Work is { } work)
                {
                    charges.Add(new Charge(i, entries.Count, work.PerStep));
                    entries.Add(new TimedEntry(WorkPart(runners[i]), (_, steps) => { for (int k = 0; k < steps; k++) work.Run(); }));
                }
            entries.AddRange(probes.Entries());
            // Every ratio the steps group reports: methods and in-round parts to vanilla, and the pairs of interest.
            var tracked = Enumerable.Range(1, entries.Count - 1).Select(i => new TrackedRatio(entries[i].Name, i, 0)).ToList();
            foreach (var (method, to) in PairsOfInterest)
                if (names.IndexOf(method) is var a and >= 0 && names.IndexOf(to) is var b and >= 0)
                    tracked.Add(new TrackedRatio($"{method}/{to}", a, b));
            // Vanilla (entry 0) flanks every other entry's block: each ratio is taken against the vanilla blocks around it.
            var (rounds, stepWarmup, stepSampling) = AlternatingRounds.Run("steps", entries, reference: 0, o.Steps, o.BlockSteps, o.Warmup, progress,
                precision: new PrecisionCheck(o.Precision, tracked, o.BootstrapResamples, seed), charges: charges);
            var wide = new List<string>();
            var timings = new List<MethodTiming>();
            for (int i = 0; i < runners.Count; i++)
            {
                var ratios = rounds.Ratios(i, 0);
                var without = rounds.Ratios(i, 0, charged: false);
                var charged = runners[i].Work is { } work
                    ? new ChargedWork(WorkPart(runners[i]), work.PerStep, work.Basis, BenchStatistics.Median(rounds.Times(i, charged: false)),
                        BenchStatistics.Median(without), without)
                    : null;
                var t = MethodTiming.From(runners[i].Name, rounds.Times(i), ratios, BenchStatistics.SummarizeRatios(ratios, o.BootstrapResamples, seed), o.WideInterval, charged);
                timings.Add(t);
                if (t.WideInterval) wide.Add(t.Method);
            }
            var pairs = new List<PairRatio>();
            foreach (var pair in tracked.Where(t => t.To != 0))
            {
                var r = BenchStatistics.SummarizeRatios(rounds.Ratios(pair.Entry, pair.To), o.BootstrapResamples, seed);
                pairs.Add(new PairRatio(names[pair.Entry], names[pair.To], r.Median, [r.Low, r.High], r.RelativeWidth > o.WideInterval, r.OutlierFraction));
                if (r.RelativeWidth > o.WideInterval) wide.Add(pair.Name);
            }
            var parts = new List<PartTiming>();
            for (int i = runners.Count; i < entries.Count; i++)
                parts.Add(Part(entries[i].Name, rounds.Times(i), rounds.Ratios(i, 0), "vanilla", o, seed, wide));

            progress("Timing the mixers on their own (alternating rounds)");
            var (mixingParts, mixingWarmup, mixingSampling) = MixingParts(o, data, device, seed, wide, progress);
            parts.AddRange(mixingParts);

            var memory = new List<MemoryGrowth>();
            if (o.MemorySteps > 0)
                foreach (var r in runners)
                {
                    progress($"Memory: {o.MemorySteps} steps of {r.Name}");
                    memory.Add(MeasureMemory(r, o.MemorySteps));
                }
            return new BenchReport(o.Device, o.Model, o.BatchSize, o.Image, o.Steps, o.BlockSteps, data.Description,
                machine with { LoadAverageEnd = MachineInfo.LoadAverage() }, new WarmupReport([stepWarmup, mixingWarmup]),
                PrecisionReport.Of(o.Precision, [stepSampling, mixingSampling]),
                o.BootstrapResamples, o.WideInterval, wide, timings, pairs, parts, memory, VersionInfo.All);
        }
        finally
        {
            foreach (var r in runners) r.Dispose();
        }
    }

    static PartTiming Part(string name, IReadOnlyList<double> times, double[]? ratios, string? referenceName, BenchOptions o, int seed, List<string> wide)
    {
        if (ratios is null) return new PartTiming(name, BenchStatistics.Median(times));
        var r = BenchStatistics.SummarizeRatios(ratios, o.BootstrapResamples, seed);
        bool isWide = r.RelativeWidth > o.WideInterval;
        if (isWide) wide.Add(name);
        return new PartTiming(name, BenchStatistics.Median(times), referenceName, r.Median, [r.Low, r.High], isWide, ratios, r.OutlierFraction);
    }

    /// <summary>
    /// The mixers on their own, per batch, in alternating rounds: R-Mix's mixing, and Co-Mixup's whole mixing
    /// (solver and tensor work) serial, parallel (2 threads, forced) and as configured by default (the
    /// automatic rule of <see cref="CoMixup.PartitionThreads"/>), on the trained model's saliency of a real
    /// batch and on blob-shaped saliency; parallel and default as ratios to serial. Then the solver alone on
    /// one partition of 20 (blob) and the cost of running parallel partitions (<see cref="HedgedPartitions"/>,
    /// one helper) with empty bodies.
    /// </summary>
    static (List<PartTiming>, WarmupGroup, SamplingGroup) MixingParts(BenchOptions o, BenchData data, Device device, int seed, List<string> wide, Action<string> progress)
    {
        using var scope = NewDisposeScope();
        var batch = data.Batches[0];
        using var model = ModelFactory.Create(o.Model, o.Image[0], NumClasses, o.Seed);
        model.load_state_dict(data.TrainedState);
        model.to(device);
        var real = Saliency.Compute(model, batch.Inputs, batch.Labels).Saliency;
        var blob = BenchData.BlobSaliency(o.BatchSize, o.Image[1], seed).to(device);
        var targets = nn.functional.one_hot(batch.Labels, NumClasses).to(float32);
        using var generator = new Generator((ulong)o.Seed + 7);
        var rmix = new RMixMixer(new RMixOptions());
        long solveSeed = 0;
        Action Co(Tensor saliency, CoMixupOptions options) => () =>
        {
            using var s = NewDisposeScope();
            CoMixup.Mix(batch.Inputs, targets, CoMixup.Solve(saliency, options, solveSeed++));
        };
        var serial = new CoMixupOptions { ParallelPartitions = false };
        var parallel = new CoMixupOptions { MaxDegreeOfParallelism = 2 };
        var automatic = new CoMixupOptions();
        var actions = new List<(string Name, Action Action)>
        {
            ("rmix-mixing-per-batch", () => { using var s = NewDisposeScope(); rmix.Mix(batch, new MixContext(NumClasses, generator, real)); }),
            ("comixup-mixing-per-batch-serial", Co(real, serial)),
            ("comixup-mixing-per-batch-parallel", Co(real, parallel)),
            ("comixup-mixing-per-batch", Co(real, automatic)),
            ("comixup-mixing-per-batch-blob-serial", Co(blob, serial)),
            ("comixup-mixing-per-batch-blob-parallel", Co(blob, parallel)),
            ("comixup-mixing-per-batch-blob", Co(blob, automatic)),
        };
        // The two halves of Co-Mixup's mixing on blob saliency: the solver (serial) and the tensor work of Mix.
        actions.Add(("comixup-solve-per-batch-blob-serial", () => CoMixup.Solve(blob, serial, solveSeed++)));
        var zBlob = CoMixup.Solve(blob, serial, 0);
        actions.Add(("comixup-mix-tensors-per-batch", () => { using var s = NewDisposeScope(); CoMixup.Mix(batch.Inputs, targets, zBlob); }));
        int m = Math.Min(20, o.BatchSize);
        var part = blob.narrow(0, 0, m);
        var onePartition = new CoMixupOptions { ParallelPartitions = false, PartitionSize = m };
        actions.Add(("comixup-solver-per-partition-blob", () => CoMixup.Solve(part, onePartition, solveSeed++)));
        int partitions = (o.BatchSize + 19) / 20;
        var emptyResults = Enumerable.Range(0, partitions).Select(p => (object)p).ToArray(); // allocated once, outside the timing
        actions.Add(("parallel-partitions-overhead", () => HedgedPartitions.Run(partitions, 1, () => 0, (p, _, _) => emptyResults[p])));

        var entries = actions.Select(a => new TimedEntry(a.Name, (_, steps) => { for (int k = 0; k < steps; k++) a.Action(); })).ToList();
        // Co-Mixup's parallel and default mixing as ratios to serial on the same saliency; the other entries report times only.
        int Index(string name) => actions.FindIndex(a => a.Name == name);
        string? ReferenceOf(string name) => name.StartsWith("comixup-mixing", StringComparison.Ordinal) && !name.EndsWith("-serial", StringComparison.Ordinal)
            ? (name.Contains("-blob", StringComparison.Ordinal) ? "comixup-mixing-per-batch-blob-serial" : "comixup-mixing-per-batch-serial")
            : null;
        var tracked = actions.Select((a, i) => ReferenceOf(a.Name) is { } to ? new TrackedRatio(a.Name, i, Index(to)) : null).OfType<TrackedRatio>().ToList();
        // No common reference here (the ratios are to two different serial entries): one block per entry per round.
        // Blocks of BlockSteps batches, as the steps': with one batch (about 12 ms, a few scheduler time slices) a
        // single preempted slice moved a round's parallel / serial ratio anywhere from 0.2 to 2.7 on the idle machine.
        var (rounds, warmup, sampling) = AlternatingRounds.Run("mixing", entries, reference: null, o.Steps, o.BlockSteps, o.Warmup, progress,
            precision: new PrecisionCheck(o.Precision, tracked, o.BootstrapResamples, seed));
        var parts = new List<PartTiming>();
        for (int i = 0; i < actions.Count; i++)
        {
            var reference = ReferenceOf(actions[i].Name);
            parts.Add(Part(actions[i].Name, rounds.Times(i), reference is null ? null : rounds.Ratios(i, Index(reference)), reference, o, seed, wide));
        }
        return (parts, warmup, sampling);
    }

    static MemoryGrowth MeasureMemory(Runner r, int steps)
    {
        static double Rss() { using var p = Process.GetCurrentProcess(); p.Refresh(); return p.WorkingSet64 / 1048576.0; }
        static double Managed() => GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        // Steady state first: allocator caches fill during the first steps.
        r.Block(0, 10);
        double rss0 = Rss(), managed0 = Managed();
        long live0 = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        r.Block(0, steps);
        double managed1 = Managed();
        long live1 = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount;
        return new MemoryGrowth(r.Name, rss0, Rss(), managed0, managed1, live0, live1, steps);
    }

    /// <summary>The part that times one unit of a method's periodic work, e.g. <c>rlmix-ppo-minibatch-update</c>.</summary>
    static string WorkPart(Runner r) => $"{r.Name}-{r.Work!.Name}";

    static Batch BatchOf(BenchData data, long block, int k) => data.Batches[(int)((block * 7 + k) % data.Batches.Count)];

    /// <summary>
    /// One method with its own model (from the trained weights), trainer and generator, and its periodic work
    /// (<see cref="IPeriodicWork"/>), which its steps then leave out.
    /// </summary>
    sealed class Runner : IDisposable
    {
        public readonly string Name;
        public readonly PeriodicWorkUnit? Work;
        readonly ClassifierModel model;
        readonly ITrainingMethod method;
        readonly Trainer trainer;
        readonly Generator generator;
        readonly BenchData data;
        int step;

        public Runner(string name, ITrainingMethod method, BenchOptions o, BenchData data, Device device)
        {
            Name = name;
            this.data = data;
            model = ModelFactory.Create(o.Model, o.Image[0], NumClasses, o.Seed);
            model.load_state_dict(data.TrainedState);
            model.to(device);
            this.method = method;
            method.Attach(model, o.Seed + 2);
            Work = (method as IPeriodicWork)?.DeferPeriodicWork(o.BatchSize, NumClasses);
            // A long schedule so the learning rate stays moderate over the benchmark's steps.
            trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 1000, epochs: 10, method.ExtraParameters);
            generator = new Generator((ulong)o.Seed + 1);   // CPU, as in training: the mixers draw on the CPU
        }

        /// <summary>Runs <paramref name="steps"/> training steps on the batches of block <paramref name="block"/>.</summary>
        public void Block(long block, int steps)
        {
            for (int k = 0; k < steps; k++)
            {
                using var scope = NewDisposeScope();
                method.TrainStep(trainer, BatchOf(data, block, k), new MethodStep(1, step++, NumClasses, generator));
            }
        }

        public void Dispose()
        {
            Work?.Dispose();
            method.Dispose();
            trainer.Dispose();
            model.Dispose();
            generator.Dispose();
        }
    }

    /// <summary>
    /// Parts of a step timed in the same rounds as the methods, on a model of their own: R-Mix's saliency pass
    /// (input gradient only), Co-Mixup's clean forward and backward (clean_lambda 1: weight and input
    /// gradients, then the saliency from the input gradient) and one training step with the BCE loss
    /// (Co-Mixup's mixed step, here on the clean batch: the cost does not depend on the pixels).
    /// </summary>
    sealed class Probes : IDisposable
    {
        readonly ClassifierModel model;
        readonly Trainer trainer;
        readonly BenchData data;
        readonly Func<Tensor, Tensor, Tensor> bce = SoftTargetLoss.Of(TrainingLoss.Bce);

        public Probes(BenchOptions o, BenchData data, Device device)
        {
            this.data = data;
            model = ModelFactory.Create(o.Model, o.Image[0], NumClasses, o.Seed);
            model.load_state_dict(data.TrainedState);
            model.to(device);
            trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 1000, epochs: 10);
        }

        public IEnumerable<TimedEntry> Entries()
        {
            yield return new("saliency", (block, steps) => Repeat(block, steps, b => Saliency.Compute(model, b.Inputs, b.Labels)));
            yield return new("comixup-clean-backward", (block, steps) => Repeat(block, steps, b =>
            {
                CoMixupMethod.CleanPass(trainer, b, cleanLambda: 1, NumClasses);
                trainer.ZeroGrad();
            }));
            yield return new("bce-step", (block, steps) => Repeat(block, steps, b =>
                trainer.Step(b.Inputs, nn.functional.one_hot(b.Labels, NumClasses).to(float32), loss: bce)));
        }

        void Repeat(long block, int steps, Action<Batch> action)
        {
            for (int k = 0; k < steps; k++)
            {
                using var scope = NewDisposeScope();
                action(BatchOf(data, block, k));
            }
        }

        public void Dispose()
        {
            trainer.Dispose();
            model.Dispose();
        }
    }
}

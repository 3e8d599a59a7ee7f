using System.Diagnostics;
using System.Globalization;
using RLMix.Data;
using RLMix.Methods;
using RLMix.Mixing;
using RLMix.Mixing.CoMixup;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

using static RLMix.Benchmarks.RoundsCommand;

namespace RLMix.Benchmarks;

/// <summary>
/// Where Co-Mixup's training step spends its time, against a vanilla step and against its parts timed alone:
/// <c>dotnet run -c Release --project benchmarks/RLMix.Benchmarks -- comixup-step [--rounds 20] [--reps 3]
/// [--threads 1] [--clock thread|process|wall] [--pretrain 60] [--memory-format channels_last|contiguous] [--entries a,b,...]</c>.
/// </summary>
/// <remarks>
/// Entries, each on its own model from the same briefly trained weights (fashion-mnist-mini padded to 32x32 over
/// 3 channels, 8 batches cycled, as <c>rlmix bench</c>), in alternating rounds with vanilla between any two:
/// the Co-Mixup step (<see cref="CoMixupMethod"/>; also with a .NET thread-pool helper instead of libtorch's worker, and
/// with its partitions solved serially);
/// the same step with a clock between its phases (clean
/// pass, solve, mixing tensors, mixed forward and loss, backward and optimizer step), so that the phases add
/// up to the step; and the parts as <c>rlmix bench</c> times them (clean forward+backward, a BCE step on the
/// clean batch, the mixing on the pre-trained model's saliency of one batch). Every ratio is to the mean of
/// the two vanilla blocks around it. <c>--clock thread</c> (the default, with <c>--threads 1</c>) takes the CPU
/// time of the one thread that runs every op (libtorch runs CPU backward on the calling thread), which a
/// loaded machine leaves nearly unchanged; <c>--clock process</c> takes the CPU time of every thread of the
/// process (with <c>--threads 2</c>: libgomp's worker, spinning or not, and thread-pool workers of parallel
/// partitions count); <c>--clock wall</c> is what <c>rlmix bench</c> measures. A second table splits each
/// entry's CPU time per step by thread group (<see cref="ThreadAccounting.Snapshot"/>) and counts its garbage
/// collections and allocated bytes per step. <c>--entries</c> keeps only the named entries (vanilla always runs).
/// </remarks>
public static class CoMixupStepRounds
{
    const int NumClasses = 10;

    /// <summary>Runs the rounds and prints one table; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int rounds = int.Parse(Arg(args, "--rounds", "20"), CultureInfo.InvariantCulture);
        int reps = int.Parse(Arg(args, "--reps", "3"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Arg(args, "--threads", "1"), CultureInfo.InvariantCulture);
        int pretrain = int.Parse(Arg(args, "--pretrain", "60"), CultureInfo.InvariantCulture);
        string clockName = Arg(args, "--clock", "thread");
        var keep = Arg(args, "--entries", "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        string layout = Arg(args, "--memory-format", MemoryFormat.ChannelsLast);
        torch.set_num_threads(threads);

        var (batches, state) = Data(pretrain);
        ClassifierModel Model()
        {
            var m = ModelFactory.Create("small-cnn", 3, NumClasses, seed: 1, memoryFormat: layout);
            m.load_state_dict(state);
            return m;
        }
        Trainer TrainerOf(ClassifierModel m) => new(m, new TrainerOptions(), stepsPerEpoch: 1000, epochs: 10);
        Batch BatchOf(long block, int k) => batches[(int)((block * 7 + k) % batches.Count)];

        var vanilla = new VanillaMethod();
        var vModel = Model(); var vTrainer = TrainerOf(vModel); var vGen = new Generator(2);
        var co = new CoMixupMethod(new CoMixupOptions());
        var cModel = Model(); var cTrainer = TrainerOf(cModel); var cGen = new Generator(2);
        var iModel = Model(); var iTrainer = TrainerOf(iModel); var iGen = new Generator(2);
        var coPool = new CoMixupMethod(new CoMixupOptions { UseTorchThreads = false });
        var cplModel = Model(); var cplTrainer = TrainerOf(cplModel); var cplGen = new Generator(2);
        int cplStep = 0;
        var coSerial = new CoMixupMethod(new CoMixupOptions { ParallelPartitions = false });
        var csModel = Model(); var csTrainer = TrainerOf(csModel); var csGen = new Generator(2);
        int csStep = 0;
        var pModel = Model(); var pTrainer = TrainerOf(pModel);
        var bce = SoftTargetLoss.Of(TrainingLoss.Bce);
        var mixer = new CoMixupMixer(new CoMixupOptions());
        var fixedSaliency = Saliency.Compute(pModel, batches[0].Inputs, batches[0].Labels).Saliency.DetachFromDisposeScope();
        using var mixGen = new Generator(3);
        int vStep = 0, cStep = 0, iStep = 0;

        string[] phases = ["clean", "solve", "mix-tensors", "mixed-forward", "backward+sgd"];
        var phaseTimes = new double[phases.Length];
        Func<double> clock = clockName switch
        {
            "thread" => ThreadAccounting.ThreadCpuMs,
            "process" => ThreadAccounting.ProcessCpuMs,
            "wall" => () => Stopwatch.GetTimestamp() * 1000.0 / Stopwatch.Frequency,
            _ => throw new ArgumentException($"Unknown --clock '{clockName}'. Allowed: thread, process, wall."),
        };

        void Instrumented(Batch batch)
        {
            // CoMixupMethod.TrainStep with clean_lambda 1, phase by phase (same calls, same order).
            using var scope = NewDisposeScope();
            double t0 = clock();
            var saliency = CoMixupMethod.CleanPass(iTrainer, batch, cleanLambda: 1, NumClasses);
            double t1 = clock();
            long seed;
            using (var draw = randint(long.MaxValue, [1], dtype: ScalarType.Int64, generator: iGen)) seed = draw.item<long>();
            var z = CoMixup.Solve(saliency, mixer.Options, seed);
            double t2 = clock();
            var targets = nn.functional.one_hot(batch.Labels, NumClasses).to(batch.Inputs.dtype);
            var mixed = CoMixup.Mix(batch.Inputs, targets, z);
            double t3 = clock();
            iModel.train();
            var value = bce(iModel.forward(mixed.Inputs), mixed.Targets);
            double t4 = clock();
            iTrainer.ApplyLoss(value, keepGradients: true);
            double t5 = clock();
            phaseTimes[0] += t1 - t0; phaseTimes[1] += t2 - t1; phaseTimes[2] += t3 - t2; phaseTimes[3] += t4 - t3; phaseTimes[4] += t5 - t4;
        }

        var all = new (string Name, Action<Batch> Step)[]
        {
            ("vanilla", b => vanilla.TrainStep(vTrainer, b, new MethodStep(1, vStep++, NumClasses, vGen)).Dispose()),
            ("comixup-step", b => co.TrainStep(cTrainer, b, new MethodStep(1, cStep++, NumClasses, cGen)).Dispose()),
            ("comixup-step-instrumented", b => { Instrumented(b); iStep++; }),
            ("comixup-step-pool", b => coPool.TrainStep(cplTrainer, b, new MethodStep(1, cplStep++, NumClasses, cplGen)).Dispose()),
            ("comixup-step-serial", b => coSerial.TrainStep(csTrainer, b, new MethodStep(1, csStep++, NumClasses, csGen)).Dispose()),
            ("part-clean", b =>
            {
                CoMixupMethod.CleanPass(pTrainer, b, cleanLambda: 1, NumClasses);
                pTrainer.ZeroGrad();
            }),
            ("part-clean-no-input-grad", b =>
            {
                pModel.train();
                pTrainer.ZeroGrad();
                var clean = nn.functional.cross_entropy(pModel.forward(b.Inputs), b.Labels) * (2.0 / NumClasses);
                clean.backward();
                pTrainer.ZeroGrad();
            }),
            ("part-bce-step", b => pTrainer.Step(b.Inputs, nn.functional.one_hot(b.Labels, NumClasses).to(float32), loss: bce)),
            ("part-mixing-fixed", _ => mixer.Mix(batches[0], new MixContext(NumClasses, mixGen, fixedSaliency))),
        };
        var entries = all.Where((e, i) => i == 0 || keep.Length == 0 || keep.Contains(e.Name)).ToArray();
        int Index(string name) => Array.FindIndex(entries, e => e.Name == name);
        var groupMs = entries.Select(_ => ThreadAccounting.Groups.Select(_ => new List<double>()).ToArray()).ToArray();
        var gcCounts = new long[entries.Length, 3];
        var allocated = new long[entries.Length];
        var pauseMs = new double[entries.Length];
        var faults = new long[entries.Length];
        var steps = new long[entries.Length];
        double Block(int e, long block, bool record)
        {
            var g0 = ThreadAccounting.Snapshot();
            int c0 = GC.CollectionCount(0), c1 = GC.CollectionCount(1), c2 = GC.CollectionCount(2);
            long a0 = GC.GetTotalAllocatedBytes();
            var pause0 = GC.GetTotalPauseDuration();
            long f0 = ThreadAccounting.MinorFaults();
            double t0 = clock();
            for (int k = 0; k < reps; k++)
            {
                using var scope = NewDisposeScope();
                entries[e].Step(BatchOf(block, k));
            }
            double t = (clock() - t0) / reps;
            long a1 = GC.GetTotalAllocatedBytes();
            long f1 = ThreadAccounting.MinorFaults();
            var g1 = ThreadAccounting.Snapshot();
            if (record)
            {
                for (int g = 0; g < g0.Length; g++) groupMs[e][g].Add((g1[g] - g0[g]) / reps);
                gcCounts[e, 0] += GC.CollectionCount(0) - c0; gcCounts[e, 1] += GC.CollectionCount(1) - c1; gcCounts[e, 2] += GC.CollectionCount(2) - c2;
                allocated[e] += a1 - a0; steps[e] += reps;
                pauseMs[e] += (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds;
                faults[e] += f1 - f0;
            }
            return t;
        }

        Console.WriteLine($"comixup-step: small-cnn, batch 100x3x32x32, {torch.get_num_threads()} torch thread(s), {rounds} rounds of {reps} steps per entry, " +
                          $"{clockName switch { "thread" => "thread CPU time", "process" => "process CPU time", _ => "wall clock" }}, {layout}, {Environment.ProcessorCount} cores, load {Load()}");
        long blockNo = 0;
        int warm = 3;
        var ratios = entries.Select(_ => new List<double>()).ToArray();
        var times = entries.Select(_ => new List<double>()).ToArray();
        var phaseRatios = phases.Select(_ => new List<double>()).ToArray();
        for (int r = -warm; r < rounds; r++)
        {
            var order = Enumerable.Range(1, entries.Length - 1).ToList();
            if (r % 2 != 0) order.Reverse();
            double before = Block(0, blockNo++, r >= 0);
            foreach (var e in order)
            {
                Array.Clear(phaseTimes);
                double t = Block(e, blockNo, r >= 0);
                double after = Block(0, blockNo++, false);
                double v = 0.5 * (before + after);
                if (r >= 0)
                {
                    ratios[e].Add(t / v); times[e].Add(t);
                    if (entries[e].Name == "comixup-step-instrumented") for (int p = 0; p < phases.Length; p++) phaseRatios[p].Add(phaseTimes[p] / reps / v);
                    if (e == order[0]) times[0].Add(v);
                }
                before = after;
            }
        }
        Console.WriteLine("| entry | ms per step | ratio to vanilla, median of rounds [95% bootstrap] |");
        Console.WriteLine("|---|---:|---:|");
        for (int e = 0; e < entries.Length; e++)
            Console.WriteLine(e == 0 ? $"| vanilla | {Median(times[0]):F1} | 1 |" : $"| {entries[e].Name} | {Median(times[e]):F1} | {Interval(ratios[e])} |");
        for (int p = 0; p < phases.Length && phaseRatios[p].Count > 0; p++)
            Console.WriteLine($"| instrumented phase: {phases[p]} | | {Interval(phaseRatios[p])} |");
        void PerRound(string label, Func<int, double> f, params string[] needed)
        {
            if (needed.All(n => Index(n) > 0))
                Console.WriteLine($"| {label}, per round | | {Interval(Enumerable.Range(0, rounds).Select(f).ToList())} |");
        }
        double R(string name, int i) => ratios[Index(name)][i];
        PerRound("step - (clean + bce + mixing parts)", i => R("comixup-step", i) - R("part-clean", i) - R("part-bce-step", i) - R("part-mixing-fixed", i),
            "comixup-step", "part-clean", "part-bce-step", "part-mixing-fixed");
        PerRound("instrumented step - step", i => R("comixup-step-instrumented", i) - R("comixup-step", i), "comixup-step-instrumented", "comixup-step");
        PerRound("step - pool step", i => R("comixup-step", i) - R("comixup-step-pool", i), "comixup-step", "comixup-step-pool");
        PerRound("step - serial step", i => R("comixup-step", i) - R("comixup-step-serial", i), "comixup-step", "comixup-step-serial");
        PerRound("clean - clean without input gradient", i => R("part-clean", i) - R("part-clean-no-input-grad", i), "part-clean", "part-clean-no-input-grad");

        Console.WriteLine();
        Console.WriteLine($"CPU ms per step by thread group (median of blocks, /proc/self/task/*/schedstat), GC collections, GC pause (wall), allocated bytes and minor page faults (whole process) per step:");
        Console.WriteLine($"| entry | {string.Join(" | ", ThreadAccounting.Groups)} | gen0 | gen1 | gen2 | GC pause ms | KiB allocated | minor faults |");
        Console.WriteLine($"|---|{string.Concat(ThreadAccounting.Groups.Select(_ => "---:|"))}---:|---:|---:|---:|---:|---:|");
        for (int e = 0; e < entries.Length; e++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {entries[e].Name} | {string.Join(" | ", groupMs[e].Select(g => Median(g).ToString("F2", CultureInfo.InvariantCulture)))} | " +
                $"{(double)gcCounts[e, 0] / steps[e]:F3} | {(double)gcCounts[e, 1] / steps[e]:F3} | {(double)gcCounts[e, 2] / steps[e]:F3} | {pauseMs[e] / steps[e]:F3} | {allocated[e] / 1024.0 / steps[e]:F0} | {(double)faults[e] / steps[e]:F0} |"));
        Console.WriteLine($"threads: {string.Join("; ", ThreadAccounting.Threads())}");
        Console.WriteLine($"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"} GOMP_SPINCOUNT={Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") ?? "(unset)"}");
        Console.WriteLine($"load after: {Load()}");
        return 0;
    }

    static string Interval(List<double> xs) => CoMixupRounds.Interval(xs);

    /// <summary>8 batches of fashion-mnist-mini padded to 32x32 over 3 channels, and the weights of a small CNN trained on them for <paramref name="pretrain"/> vanilla steps.</summary>
    internal static (List<Batch>, Dictionary<string, Tensor>) Data(int pretrain)
    {
        var dataOptions = new DataOptions { Dataset = DatasetCatalog.FashionMnistMini, BatchSize = 100, PadTo = 32, Augment = false };
        var splits = DatasetCatalog.Load(dataOptions, 1);
        var loader = DataLoader.ForTraining(splits.Train, dataOptions, 1, CPU);
        static Tensor Expand(Tensor x) => x.expand(x.shape[0], 3, x.shape[2], x.shape[3]).contiguous();
        var model = ModelFactory.Create("small-cnn", 3, NumClasses, seed: 1);
        using (var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: Math.Max(1, pretrain), epochs: 1))
        {
            int step = 0;
            for (int epoch = 0; step < pretrain; epoch++)
                foreach (var batch in loader.Epoch(epoch))
                {
                    using var scope = NewDisposeScope();
                    using (batch) trainer.Step(Expand(batch.Inputs), nn.functional.one_hot(batch.Labels, NumClasses).to(float32));
                    if (++step >= pretrain) break;
                }
        }
        var batches = new List<Batch>();
        foreach (var batch in loader.Epoch(1_000_000).Take(8))
            using (batch)
                batches.Add(new Batch(Expand(batch.Inputs).DetachFromDisposeScope(), batch.Labels.clone().DetachFromDisposeScope()));
        var state = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
        return (batches, state);
    }
}

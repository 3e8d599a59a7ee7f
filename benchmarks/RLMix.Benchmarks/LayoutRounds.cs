using System.Diagnostics;
using System.Globalization;
using RLMix.Data;
using RLMix.Evaluation;
using RLMix.Mixing;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

using static RLMix.Benchmarks.RoundsCommand;

namespace RLMix.Benchmarks;

/// <summary>
/// Contiguous against channels-last, timed in alternating rounds on one loaded machine:
/// <c>dotnet run -c Release --project benchmarks/RLMix.Benchmarks -- layout [--model small-cnn] [--batch 100]
/// [--channels 3] [--rounds 10] [--reps 3] [--places train,saliency,eval,fgsm] [--threads N] [--clock wall|cpu]</c>.
/// </summary>
/// <remarks>
/// BenchmarkDotNet runs one configuration after another, so a change of the machine's load between them
/// shows up as a speed-up or a slow-down. Here every round times both layouts back to back (their order
/// alternating between rounds) on models with the same initial weights, and the ratio is taken within the
/// round; the median ratio over rounds and its range are what to read. On a machine loaded far beyond
/// its cores, <c>--clock cpu</c> times the process's CPU time instead of the wall clock (with
/// <c>--threads 1</c> that is the work of the one thread that runs the ops, not the time spent waiting for a core).
/// </remarks>
public static class LayoutRounds
{
    /// <summary>Runs the rounds and prints one table; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string model = Arg(args, "--model", "small-cnn");
        int batchSize = int.Parse(Arg(args, "--batch", "100"), CultureInfo.InvariantCulture);
        int channels = int.Parse(Arg(args, "--channels", "3"), CultureInfo.InvariantCulture);
        int side = int.Parse(Arg(args, "--side", "32"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg(args, "--rounds", "10"), CultureInfo.InvariantCulture);
        int reps = int.Parse(Arg(args, "--reps", "3"), CultureInfo.InvariantCulture);
        var places = Arg(args, "--places", "train,saliency,eval,fgsm").Split(',');
        bool cpuClock = Arg(args, "--clock", "wall") == "cpu";
        if (Arg(args, "--threads", "") is { Length: > 0 } threads) torch.set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture));
        const int numClasses = 10;

        using var g = new Generator(1);
        using var inputs = randn([batchSize, channels, side, side], generator: g);
        using var labels = randint(0, numClasses, [batchSize], generator: g);
        using var targets = nn.functional.one_hot(labels, numClasses).to(float32);
        var batch = new Batch(inputs, labels);
        var evaluator = new Evaluator(Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray());

        string[] layouts = [MemoryFormat.Contiguous, MemoryFormat.ChannelsLast]; // contiguous first: the reference
        var models = layouts.Select(f => ModelFactory.Create(model, channels, numClasses, seed: 0, memoryFormat: f)).ToArray();
        var trainers = models.Select(m => new Trainer(m, new TrainerOptions(), stepsPerEpoch: 1000, epochs: 10)).ToArray();
        Action Place(string place, int i) => place switch
        {
            "train" => () => { using var s = NewDisposeScope(); trainers[i].Step(inputs, targets); },
            "saliency" => () => { using var s = NewDisposeScope(); Saliency.Compute(models[i], inputs, labels); },
            "eval" => () =>
            {
                using var s = NewDisposeScope();
                models[i].eval();
                using (no_grad()) nn.functional.softmax(models[i].forward(inputs), 1);
                models[i].train();
            },
            "fgsm" => () =>
            {
                using var s = NewDisposeScope();
                models[i].eval();
                evaluator.FgsmWrongCount(models[i], batch);
                models[i].train();
            },
            _ => throw new ArgumentException($"Unknown place '{place}'. Allowed: train, saliency, eval, fgsm."),
        };

        Console.WriteLine($"{model}, batch {batchSize}x{channels}x{side}x{side}, {torch.get_num_threads()} torch threads, {rounds} rounds of {reps} reps per layout, {(cpuClock ? "process CPU time" : "wall clock")}, load {Load()}");
        Console.WriteLine("| place | contiguous ms | channels_last ms | channels_last / contiguous, median of rounds | min-max |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var place in places)
        {
            var actions = new[] { Place(place, 0), Place(place, 1) };
            foreach (var a in actions) for (int w = 0; w < 2; w++) a(); // warm-up
            var times = new[] { new List<double>(), new List<double>() };
            var ratios = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                var round = new double[2];
                foreach (int i in r % 2 == 0 ? new[] { 0, 1 } : [1, 0])
                {
                    var sw = Stopwatch.StartNew();
                    var cpu0 = CpuMs();
                    for (int k = 0; k < reps; k++) actions[i]();
                    round[i] = (cpuClock ? CpuMs() - cpu0 : sw.Elapsed.TotalMilliseconds) / reps;
                    times[i].Add(round[i]);
                }
                ratios.Add(round[1] / round[0]);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {place} | {Median(times[0]):F1} | {Median(times[1]):F1} | {Median(ratios):F3} | {ratios.Min():F3}-{ratios.Max():F3} |"));
        }
        Console.WriteLine($"load after: {Load()}");
        foreach (var t in trainers) t.Dispose();
        foreach (var m in models) m.Dispose();
        return 0;
    }

    static double CpuMs()
    {
        using var p = Process.GetCurrentProcess();
        return p.TotalProcessorTime.TotalMilliseconds;
    }
}

using System.Diagnostics;
using System.Globalization;
using RLMix.Agents;
using RLMix.Agents.Learning;
using RLMix.Agents.Metrics;
using RLMix.Envs.Mixup;
using TorchSharp;
using static TorchSharp.torch;

using static RLMix.Benchmarks.RoundsCommand;

namespace RLMix.Benchmarks;

/// <summary>
/// Checks how <c>rlmix bench</c> charges online RL-Mix's PPO update (<see cref="PpoMinibatchWork"/>): one whole update
/// as a run does it (V of the next observation, GAE, every epoch's minibatches, the explained variance) against the
/// minibatch unit run as many times as the update has minibatches, on two stand-ins with the same rollout, in
/// alternating rounds: <c>dotnet run -c Release --project benchmarks/RLMix.Benchmarks -- ppo-update [--preset per-image|paper]
/// [--batch 100] [--rounds 8] [--threads N]</c>. A ratio of 1 means the bench's charge is the update's whole cost.
/// </summary>
public static class PpoUpdateRounds
{
    /// <summary>Runs the rounds and prints one line per round and a summary; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        string preset = Arg(args, "--preset", "per-image");
        int batchSize = int.Parse(Arg(args, "--batch", "100"), CultureInfo.InvariantCulture);
        int rounds = int.Parse(Arg(args, "--rounds", "8"), CultureInfo.InvariantCulture);
        if (Arg(args, "--threads", "") is { Length: > 0 } threads) torch.set_num_threads(int.Parse(threads, CultureInfo.InvariantCulture));

        var rl = new RLMixOptions { Preset = preset };
        var options = rl.Ppo();
        var spec = AgentSpec.For(new ObservationLayout(rl.Env().ObservationGrid, 10), options.Network == "paper" ? "dict" : "flat", batchSize, rl.RMix.K);
        using var whole = PpoMinibatchWork.StandIn(spec, options, seed: 1);
        using var parts = PpoMinibatchWork.StandIn(spec, options, seed: 1);
        using var unit = PpoMinibatchWork.For(parts, () => { });
        int minibatches = (int)Math.Round(unit.PerStep * options.NSteps);
        var next = whole.Buffer.Observations.ToDictionary(kv => kv.Key, kv => kv.Value[^1].clone());
        Console.WriteLine($"PPO update, preset {preset}: {unit.Basis} ({minibatches} minibatches), batch of {batchSize} images, {torch.get_num_threads()} threads, load {Load()}");

        void Update()
        {
            using var scope = NewDisposeScope();
            whole.Buffer.ComputeReturnsAndAdvantage(whole.PredictValues(next), done: false);
            Ppo.Train(whole, progressRemaining: 1, MetricLogger.None);
        }
        void Charged()
        {
            for (int i = 0; i < minibatches; i++) unit.Run();
        }
        static double Time(Action a)
        {
            var sw = Stopwatch.StartNew();
            a();
            return sw.Elapsed.TotalMilliseconds;
        }

        Update(); Charged();   // warm-up
        var ratios = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            double u, c;
            if (r % 2 == 0) { u = Time(Update); c = Time(Charged); }
            else { c = Time(Charged); u = Time(Update); }
            ratios.Add(u / c);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {r}: whole update {u:F0} ms, {minibatches} charged units {c:F0} ms, ratio {u / c:F3}; per step {u / options.NSteps:F2} against {c / options.NSteps:F2} ms"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"whole update / charged units: median {Median(ratios):F3}, range {ratios.Min():F3}-{ratios.Max():F3} over {rounds} rounds; load {Load()}"));
        return 0;
    }
}

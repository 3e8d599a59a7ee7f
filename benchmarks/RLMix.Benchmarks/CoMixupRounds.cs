using System.Diagnostics;
using System.Globalization;
using RLMix.Mixing.CoMixup;
using TorchSharp;
using static TorchSharp.torch;

using static RLMix.Benchmarks.RoundsCommand;

namespace RLMix.Benchmarks;

/// <summary>
/// Co-Mixup's solver on one batch, serial against hedged partitions with a .NET thread-pool helper and with libtorch's
/// worker as the helper (the default, <see cref="OpenMpTeam"/>), in alternating rounds:
/// <c>dotnet run -c Release --project benchmarks/RLMix.Benchmarks -- comixup [--rounds 20] [--reps 5] [--batch 100]
/// [--saliency blob,iid] [--threads 2] [--torch-before]</c>.
/// </summary>
/// <remarks>
/// Saliency <c>blob</c>: one Gaussian blob per 32x32 image plus 5% noise (needs all 4 outer iterations);
/// <c>iid</c>: |N(0,1)| per pixel (converges after 2). Per round: the whole batch solved serially, with
/// 2 threads and by the automatic rule (order alternating). Each variant is measured by wall clock (the first
/// table) and by CPU clocks that a loaded machine changes little (the second): the calling thread's CPU time,
/// the process's (every thread), and the CPU time per thread group (<see cref="ThreadAccounting.Snapshot"/>).
/// A third table gives each partition's solve time alone (thread CPU time): how evenly 2 threads can share them.
/// <c>--torch-before</c> runs a 2-thread libtorch op (a 100x3x32x32 convolution) right before each solve, untimed,
/// as in a training step where the solver follows the clean backward pass: libgomp's workers then still spin
/// (GOMP_SPINCOUNT, OMP_WAIT_POLICY) when the solve starts.
/// </remarks>
public static class CoMixupRounds
{
    /// <summary>Runs the rounds and prints the tables; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int rounds = int.Parse(Arg(args, "--rounds", "20"), CultureInfo.InvariantCulture);
        int reps = int.Parse(Arg(args, "--reps", "5"), CultureInfo.InvariantCulture);
        int batch = int.Parse(Arg(args, "--batch", "100"), CultureInfo.InvariantCulture);
        int threads = int.Parse(Arg(args, "--threads", "2"), CultureInfo.InvariantCulture);
        bool torchBefore = args.Contains("--torch-before");
        var kinds = Arg(args, "--saliency", "blob,iid").Split(',');
        torch.set_num_threads(threads);
        var serial = new CoMixupOptions { ParallelPartitions = false };
        var pool = new CoMixupOptions { UseTorchThreads = false };
        var automatic = new CoMixupOptions();
        string[] names = ["serial", "thread-pool helper", "default"];
        var variants = new[] { serial, pool, automatic };
        using var convInput = torch.rand([100, 3, 32, 32], generator: new torch.Generator(1));
        using var convWeight = torch.rand([32, 3, 3, 3], generator: new torch.Generator(2));
        Console.WriteLine($"batch {batch}, {rounds} rounds of {reps} batches per variant, {torch.get_num_threads()} torch thread(s), " +
                          $"torch op before each solve: {(torchBefore ? "yes" : "no")}, {Environment.ProcessorCount} cores, load {Load()}, " +
                          $"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"} GOMP_SPINCOUNT={Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") ?? "(unset)"}");
        var wallRows = new List<string>();
        var cpuRows = new List<string>();
        var partitionRows = new List<string>();
        foreach (var kind in kinds)
        {
            var (pooled, rows, cols) = Inputs(kind, batch, seed: 5);
            long seed = 0;
            // Wall ms, main-thread CPU ms, process CPU ms and CPU ms per thread group, per batch.
            (double Wall, double Main, double Process, double[] Groups) Time(CoMixupOptions options)
            {
                double wall = 0, main = 0, process = 0;
                var groups = new double[ThreadAccounting.Groups.Length];
                for (int k = 0; k < reps; k++)
                {
                    if (torchBefore)
                        using (var scope = NewDisposeScope()) nn.functional.conv2d(convInput, convWeight, padding: [1, 1]).sum().item<float>();
                    var g0 = ThreadAccounting.Snapshot();
                    long w0 = Stopwatch.GetTimestamp();
                    double m0 = ThreadAccounting.ThreadCpuMs(), p0 = ThreadAccounting.ProcessCpuMs();
                    CoMixup.Solve(pooled, rows, cols, 4, 4, options, seed++);
                    double m1 = ThreadAccounting.ThreadCpuMs(), p1 = ThreadAccounting.ProcessCpuMs();
                    long w1 = Stopwatch.GetTimestamp();
                    var g1 = ThreadAccounting.Snapshot();
                    wall += (w1 - w0) * 1000.0 / Stopwatch.Frequency; main += m1 - m0; process += p1 - p0;
                    for (int g = 0; g < groups.Length; g++) groups[g] += g1[g] - g0[g];
                }
                return (wall / reps, main / reps, process / reps, groups.Select(g => g / reps).ToArray());
            }
            foreach (var v in variants) Time(v); // warm-up
            var wallMs = variants.Select(_ => new List<double>()).ToArray();
            var mainMs = variants.Select(_ => new List<double>()).ToArray();
            var processMs = variants.Select(_ => new List<double>()).ToArray();
            var groupMs = variants.Select(_ => ThreadAccounting.Groups.Select(_ => new List<double>()).ToArray()).ToArray();
            var wallRatio = variants.Select(_ => new List<double>()).ToArray();
            var processRatio = variants.Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < rounds; r++)
            {
                var t = new (double Wall, double Main, double Process, double[] Groups)[3];
                foreach (var i in r % 2 == 0 ? new[] { 0, 1, 2 } : [2, 1, 0]) t[i] = Time(variants[i]);
                for (int i = 0; i < 3; i++)
                {
                    wallMs[i].Add(t[i].Wall); mainMs[i].Add(t[i].Main); processMs[i].Add(t[i].Process);
                    for (int g = 0; g < t[i].Groups.Length; g++) groupMs[i][g].Add(t[i].Groups[g]);
                    wallRatio[i].Add(t[i].Wall / t[0].Wall); processRatio[i].Add(t[i].Process / t[0].Process);
                }
            }
            wallRows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {Median(wallMs[0]):F2} | {Median(wallRatio[1]):F3} | {wallRatio[1].Min():F3}-{wallRatio[1].Max():F3} | {Median(wallRatio[2]):F3} | {wallRatio[2].Min():F3}-{wallRatio[2].Max():F3} |"));
            for (int i = 0; i < 3; i++)
            {
                var groups = string.Join(" | ", groupMs[i].Select(g => Median(g).ToString("F2", CultureInfo.InvariantCulture)));
                cpuRows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {kind} | {names[i]} | {Median(mainMs[i]):F2} | {Median(processMs[i]):F2} | {(i == 0 ? "1" : Interval(processRatio[i]))} | {Median(wallMs[i]):F2} | {groups} |"));
            }

            // Each partition alone, serially, on the calling thread.
            int m = serial.PartitionSize, partitions = (batch + m - 1) / m;
            var perPartition = Enumerable.Range(0, partitions).Select(_ => new List<double>()).ToArray();
            for (int r = 0; r < rounds; r++)
                for (int p = 0; p < partitions; p++)
                {
                    int size = Math.Min(m, batch - p * m);
                    double c0 = ThreadAccounting.ThreadCpuMs();
                    for (int k = 0; k < reps; k++)
                        CoMixup.Solve(pooled.AsSpan(p * m * 16, size * 16), rows.AsSpan(p * m, size), cols.AsSpan(p * m, size), 4, 4, serial, seed + k);
                    perPartition[p].Add((ThreadAccounting.ThreadCpuMs() - c0) / reps);
                }
            var med = perPartition.Select(Median).ToArray();
            double total = med.Sum(), best = double.MaxValue;
            for (int set = 0; set < 1 << partitions; set++)
            {
                double a = 0;
                for (int p = 0; p < partitions; p++) if ((set >> p & 1) == 1) a += med[p];
                best = Math.Min(best, Math.Max(a, total - a));
            }
            partitionRows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {string.Join(", ", med.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)))} | {total:F2} | {best:F2} | {best / total:F3} |"));
        }
        Console.WriteLine("Wall clock:");
        Console.WriteLine("| saliency | serial ms/batch | thread-pool helper / serial, median | min-max | default (libtorch's worker) / serial, median | min-max |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        wallRows.ForEach(Console.WriteLine);
        Console.WriteLine("CPU clocks, per batch (medians over rounds; process / serial: median of per-round ratios [95% bootstrap]):");
        Console.WriteLine($"| saliency | variant | calling thread CPU ms | process CPU ms | process / serial | wall ms | {string.Join(" | ", ThreadAccounting.Groups.Select(g => g + " CPU ms"))} |");
        Console.WriteLine($"|---|---|---:|---:|---:|---:|{string.Concat(ThreadAccounting.Groups.Select(_ => "---:|"))}");
        cpuRows.ForEach(Console.WriteLine);
        Console.WriteLine("Each partition solved alone (thread CPU ms, median over rounds); best 2-thread split = the longer side of the most even split of whole partitions:");
        Console.WriteLine("| saliency | per partition | sum | best 2-thread split | split / sum |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        partitionRows.ForEach(Console.WriteLine);
        Console.WriteLine($"threads: {string.Join("; ", ThreadAccounting.Threads())}");
        Console.WriteLine($"load after: {Load()}");
        return 0;
    }

    /// <summary>Median of <paramref name="xs"/> with a percentile-bootstrap 95% interval (2,000 resamples).</summary>
    internal static string Interval(List<double> xs)
    {
        var rng = new Random(1);
        var medians = new double[2000];
        var sample = new List<double>(xs.Count);
        for (int b = 0; b < medians.Length; b++)
        {
            sample.Clear();
            for (int i = 0; i < xs.Count; i++) sample.Add(xs[rng.Next(xs.Count)]);
            medians[b] = Median(sample);
        }
        Array.Sort(medians);
        return string.Create(CultureInfo.InvariantCulture, $"{Median(xs):F3} [{medians[49]:F3}, {medians[1949]:F3}]");
    }

    /// <summary>Pooled 4x4 saliency <c>[B, 16]</c> and salient locations of synthetic 32x32 saliency maps.</summary>
    public static (float[] Pooled, int[] Rows, int[] Cols) Inputs(string kind, int batch, int seed)
    {
        const int side = 32;
        var random = new Random(seed);
        var values = new float[batch * side * side];
        for (int b = 0; b < batch; b++)
        {
            double cy = random.NextDouble() * side, cx = random.NextDouble() * side, sigma = 2 + 3 * random.NextDouble();
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    double d2 = (y - cy) * (y - cy) + (x - cx) * (x - cx);
                    values[(b * side + y) * side + x] = kind switch
                    {
                        "iid" => (float)Math.Abs(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())),
                        "blob" => (float)(Math.Exp(-d2 / (2 * sigma * sigma)) + 0.05 * random.NextDouble()),
                        _ => throw new ArgumentException($"Unknown saliency '{kind}'. Allowed: blob, iid."),
                    };
                }
        }
        using var scope = NewDisposeScope();
        var s = tensor(values, [batch, 1, side, side]);
        var pooled = nn.functional.avg_pool2d(s, [side / 4, side / 4]).reshape(batch, 16).data<float>().ToArray();
        var z = nn.functional.avg_pool2d(s, [8, 8], [1, 1]);
        int width = (int)z.shape[3];
        var index = z.reshape(batch, -1).argmax(1).data<long>().ToArray();
        return (pooled, index.Select(i => (int)(i / width)).ToArray(), index.Select(i => (int)(i % width)).ToArray());
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RLMix.Mixing.CoMixup;
using static TorchSharp.torch;

using static RLMix.Benchmarks.RoundsCommand;

namespace RLMix.Benchmarks;

/// <summary>
/// Co-Mixup's solver on one batch, serial against parallel partitions, in alternating rounds:
/// <c>dotnet run -c Release --project benchmarks/RLMix.Benchmarks -- comixup [--rounds 20] [--reps 5] [--batch 100] [--saliency blob,iid]</c>.
/// </summary>
/// <remarks>
/// Saliency <c>blob</c>: one Gaussian blob per 32x32 image plus 5% noise (needs all 4 outer iterations);
/// <c>iid</c>: |N(0,1)| per pixel (converges after 2). Per round: the whole batch solved serially and with
/// 2 threads (order alternating), wall clock, and the per-partition solver time as the CPU time of the one
/// thread that runs the serial solve (insensitive to other processes on a loaded machine).
/// </remarks>
public static class CoMixupRounds
{
    /// <summary>Runs the rounds and prints one table; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        int rounds = int.Parse(Arg(args, "--rounds", "20"), CultureInfo.InvariantCulture);
        int reps = int.Parse(Arg(args, "--reps", "5"), CultureInfo.InvariantCulture);
        int batch = int.Parse(Arg(args, "--batch", "100"), CultureInfo.InvariantCulture);
        var kinds = Arg(args, "--saliency", "blob,iid").Split(',');
        var serial = new CoMixupOptions { ParallelPartitions = false };
        var parallel = new CoMixupOptions { MaxDegreeOfParallelism = 2 };
        var automatic = new CoMixupOptions();
        Console.WriteLine($"batch {batch}, {rounds} rounds of {reps} batches per variant, {Environment.ProcessorCount} cores, load {Load()}");
        Console.WriteLine("| saliency | serial ms/batch | parallel (2 threads) / serial, median | min-max | default / serial, median | min-max | solver CPU ms per partition (serial) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var kind in kinds)
        {
            var (pooled, rows, cols) = Inputs(kind, batch, seed: 5);
            long seed = 0;
            double Time(CoMixupOptions options, out double cpu)
            {
                var wall = Stopwatch.StartNew();
                var cpu0 = ThreadCpuMs();
                for (int k = 0; k < reps; k++) CoMixup.Solve(pooled, rows, cols, 4, 4, options, seed++);
                cpu = (ThreadCpuMs() - cpu0) / reps;
                return wall.Elapsed.TotalMilliseconds / reps;
            }
            var variants = new[] { serial, parallel, automatic };
            foreach (var v in variants) Time(v, out _); // warm-up
            var serialMs = new List<double>(); var cpuMs = new List<double>();
            var parallelRatio = new List<double>(); var defaultRatio = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                var t = new double[3];
                foreach (var i in r % 2 == 0 ? new[] { 0, 1, 2 } : [2, 1, 0])
                {
                    t[i] = Time(variants[i], out var cpu);
                    if (i == 0) cpuMs.Add(cpu / ((batch + 19) / 20));
                }
                serialMs.Add(t[0]); parallelRatio.Add(t[1] / t[0]); defaultRatio.Add(t[2] / t[0]);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {Median(serialMs):F2} | {Median(parallelRatio):F3} | {parallelRatio.Min():F3}-{parallelRatio.Max():F3} | {Median(defaultRatio):F3} | {defaultRatio.Min():F3}-{defaultRatio.Max():F3} | {Median(cpuMs):F3} |"));
        }
        Console.WriteLine($"load after: {Load()}");
        return 0;
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

    [StructLayout(LayoutKind.Sequential)]
    struct Timespec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    static extern int ClockGettime(int clock, out Timespec time);

    // CLOCK_THREAD_CPUTIME_ID (Linux): CPU time of the calling thread only.
    internal static double ThreadCpuMs() => ClockGettime(3, out var t) == 0 ? t.Seconds * 1e3 + t.Nanoseconds / 1e6 : double.NaN;
}

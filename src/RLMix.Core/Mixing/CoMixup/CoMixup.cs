using RLMix.Data;
using RLMix.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Mixing.CoMixup;

/// <summary>
/// Co-Mixup as pure functions of explicit inputs: <see cref="Solve(Tensor, CoMixupOptions, long)"/>
/// finds the labeling z of a batch (Algorithm 1 per partition, on CPU threads) and
/// <see cref="Mix"/> applies it on the images' device.
/// </summary>
public static class CoMixup
{
    /// <summary>
    /// Solves a batch from its saliency phi(x) <c>[B, H, W]</c> (any device). Only the pooled grid
    /// <c>[B, h*w]</c> and each image's salient location (for A_c) are moved to the CPU.
    /// </summary>
    public static CoMixupAssignment Solve(Tensor saliency, CoMixupOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(saliency);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (saliency.ndim != 3) throw new UsageException($"comixup: saliency must be [B, H, W]; got shape [{string.Join(", ", saliency.shape)}].");
        var (batch, height, width) = ((int)saliency.shape[0], (int)saliency.shape[1], (int)saliency.shape[2]);
        var grid = options.BlockGrid;
        if (height % grid != 0 || width % grid != 0)
            throw new UsageException($"comixup: the image size {height}x{width} is not divisible by block-grid {grid}; pad the images or choose a block-grid that divides both sides.");

        float[] pooled;
        using (var scope = NewDisposeScope())
        {
            using var _ = no_grad();
            // Unary source: average pooling to the grid (Appendix C).
            var s = saliency.detach().to(float32).unsqueeze(1);
            pooled = nn.functional.avg_pool2d(s, [height / grid, width / grid]).reshape(batch, grid * grid).cpu().data<float>().ToArray();
        }
        var (rows, cols) = SalientLocations(saliency, options.CompatibilityKernel);
        return Solve(pooled, rows, cols, grid, grid, options, seed);
    }

    /// <summary>
    /// Each image's salient location for A_c from its saliency <c>[B, H, W]</c> (any device): the top-left
    /// (row, column) of the <paramref name="kernel"/> x kernel window (clamped to the image) with the largest
    /// saliency sum, the first in row-major order on ties: the argmax of the official code's stride-1 average
    /// pooling (main.py, kernel 8). Only the B locations are moved to the CPU.
    /// </summary>
    /// <remarks>
    /// The window sums come from cumulative sums in float64 along each side (two passes over the map, not
    /// avg_pool2d's kernel^2 additions per window: 0.46 against 2.28 ms per batch of 100 at 32x32 on 2 cores, see
    /// NOTES.md). They are sums of the same float32 values, computed more exactly than avg_pool2d's float32
    /// accumulation, so the location can differ from the official code's only where two windows' float32
    /// averages lie within rounding of each other.
    /// </remarks>
    public static (int[] Rows, int[] Cols) SalientLocations(Tensor saliency, int kernel)
    {
        ArgumentNullException.ThrowIfNull(saliency);
        if (saliency.ndim != 3) throw new UsageException($"comixup: saliency must be [B, H, W]; got shape [{string.Join(", ", saliency.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        var (batch, height, width) = ((int)saliency.shape[0], (int)saliency.shape[1], (int)saliency.shape[2]);
        kernel = Math.Min(kernel, Math.Min(height, width));
        int outHeight = height - kernel + 1, outWidth = width - kernel + 1;
        long[] index;
        using (var scope = NewDisposeScope())
        {
            using var _ = no_grad();
            var s = saliency.detach().to(float64);
            var alongWidth = nn.functional.pad(s.cumsum(2), [1, 0]); // [B, H, W + 1], a zero column in front
            var rowSums = alongWidth.narrow(2, kernel, outWidth) - alongWidth.narrow(2, 0, outWidth);
            var alongHeight = nn.functional.pad(rowSums.cumsum(1), [0, 0, 1, 0]); // [B, H + 1, W'], a zero row in front
            var windows = alongHeight.narrow(1, kernel, outHeight) - alongHeight.narrow(1, 0, outHeight);
            index = windows.reshape(batch, -1).argmax(1).cpu().data<long>().ToArray();
        }
        var rows = new int[batch];
        var cols = new int[batch];
        for (var b = 0; b < batch; b++)
        {
            rows[b] = (int)(index[b] / outWidth);
            cols[b] = (int)(index[b] % outWidth);
        }
        return (rows, cols);
    }

    /// <summary>
    /// Solves a batch on the CPU from the saliency average-pooled to the grid, <paramref name="pooled"/>
    /// <c>[B, h*w]</c> (not yet normalized), and each image's salient location
    /// (<paramref name="salientRow"/>, <paramref name="salientCol"/>). Partitions get their own
    /// <see cref="Random"/> derived from <paramref name="seed"/>, so the result does not depend on threading.
    /// </summary>
    public static CoMixupAssignment Solve(ReadOnlySpan<float> pooled, ReadOnlySpan<int> salientRow, ReadOnlySpan<int> salientCol, int gridHeight, int gridWidth, CoMixupOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var n = gridHeight * gridWidth;
        if (n < 1 || pooled.Length % n != 0) throw new ArgumentException($"pooled must be [B, {n}].", nameof(pooled));
        var batch = pooled.Length / n;
        if (salientRow.Length != batch || salientCol.Length != batch) throw new ArgumentException("One salient location per image is needed.");
        var m = options.PartitionSize;
        var first = new int[batch * n];
        var second = new int[batch * n];
        if (batch == 0) return new CoMixupAssignment(0, gridHeight, gridWidth, m, first, second);

        var cost = UnaryCosts(pooled, n);
        var rows = salientRow.ToArray();
        var cols = salientCol.ToArray();
        var partitions = (batch + m - 1) / m;

        // Each partition's labeling, by whichever thread finished it first (HedgedPartitions): the same labels either way.
        int[]? SolveOne(int p, CoMixupSolver solver, Func<bool> stop)
        {
            var start = p * m;
            var size = Math.Min(m, batch - start);
            var a = Compatibility(rows.AsSpan(start, size), cols.AsSpan(start, size), options.Omega);
            var random = new Random(PartitionSeed(seed, p));
            var labels = new int[2 * size * n]; // first, then second
            solver.SolvePartition(cost.AsSpan(start * n, size * n), a, random, labels.AsSpan(0, size * n), labels.AsSpan(size * n), stop);
            return stop() ? null : labels;
        }

        var threads = PartitionThreads(options, partitions, Environment.ProcessorCount);
        HelperTeam? team = options.UseTorchThreads && OpenMpTeam.Fits(threads) ? OpenMpTeam.Run : null;
        var solved = HedgedPartitions.Run(partitions, threads - 1, () => new CoMixupSolver(options, gridHeight, gridWidth), SolveOne, team);
        for (var p = 0; p < partitions; p++)
        {
            var start = p * m;
            var size = solved[p].Length / (2 * n);
            for (var idx = 0; idx < size * n; idx++)
            {
                first[start * n + idx] = solved[p][idx] + start;
                second[start * n + idx] = solved[p][size * n + idx] + start;
            }
        }
        return new CoMixupAssignment(batch, gridHeight, gridWidth, m, first, second);
    }

    /// <summary>
    /// Threads that solve a batch's <paramref name="partitions"/> (1: one after another). Serial when
    /// <see cref="CoMixupOptions.ParallelPartitions"/> is off or there is one partition. An explicit
    /// <see cref="CoMixupOptions.MaxDegreeOfParallelism"/> is honoured (up to one thread per partition); automatic
    /// (-1): one thread per partition up to the cores. The calling thread never waits for a slow helper
    /// (<see cref="HedgedPartitions"/>): a static split was measured up to 1.8x slower than serial under load. The
    /// helpers are libtorch's own CPU workers when <see cref="CoMixupOptions.UseTorchThreads"/> and
    /// <see cref="OpenMpTeam.Fits"/> allow, else .NET thread-pool threads. The result never depends on it.
    /// </summary>
    public static int PartitionThreads(CoMixupOptions options, int partitions, int processorCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.ParallelPartitions || partitions < 2) return 1;
        var limit = options.MaxDegreeOfParallelism >= 1 ? options.MaxDegreeOfParallelism : processorCount;
        return Math.Clamp(limit, 1, partitions);
    }

    /// <summary>
    /// Mixes images <c>[B, C, H, W]</c> and targets <c>[B, K]</c> (one-hot or soft) by z, on their
    /// device: each grid cell of z is replicated over its H/h x W/w block, output j is
    /// sum_i z_{j,i} * x_i (one batched einsum per partition), and its target is the area share of each
    /// input times the input's target, normalized to sum 1. Returned tensors belong to the caller's scope.
    /// </summary>
    public static MixResult Mix(Tensor images, Tensor targets, CoMixupAssignment z)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(z);
        if (images.ndim != 4) throw new UsageException($"comixup: images must be [B, C, H, W]; got [{string.Join(", ", images.shape)}].");
        var (batch, channels, height, width) = ((int)images.shape[0], (int)images.shape[1], (int)images.shape[2], (int)images.shape[3]);
        if (batch != z.BatchSize) throw new UsageException($"comixup: the assignment is for {z.BatchSize} images but the batch has {batch}.");
        if (targets.ndim != 2 || targets.shape[0] != batch) throw new UsageException($"comixup: targets must be [{batch}, K]; got [{string.Join(", ", targets.shape)}].");
        int h = z.GridHeight, w = z.GridWidth, n = z.Cells;
        if (height % h != 0 || width % w != 0) throw new UsageException($"comixup: the image size {height}x{width} is not divisible by the {h}x{w} grid.");
        int bh = height / h, bw = width / w, m = z.PartitionSize;
        var partitions = (batch + m - 1) / m;
        var padded = partitions * m;

        // Per-partition mask [P, h, w, m (outputs), m (inputs)]: 0.5 at each output cell's two inputs (1 where they
        // are the same), scattered on the device from their flat positions. (A dense float mask filled on the CPU
        // was 2 x 125 KiB per batch of 100 on the large-object heap, which ran a full GC every ~12 batches.)
        var position = new long[2 * batch * n];
        for (var j = 0; j < batch; j++)
        {
            var p = j / m;
            var jl = j - p * m;
            for (var k = 0; k < n; k++)
            {
                var idx = j * n + k;
                var cellBase = ((p * n + k) * m + jl) * m - p * m;
                position[2 * idx] = cellBase + z.First[idx];
                position[2 * idx + 1] = cellBase + z.Second[idx];
            }
        }

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var device = images.device;
        var maskT = zeros([partitions * n * m * m], dtype: images.dtype, device: device)
            .scatter_add_(0, tensor(position, device: device), full([position.Length], 0.5, dtype: images.dtype, device: device))
            .reshape(partitions, h, w, m, m);
        var x = images;
        var y = targets.to(images.dtype);
        if (padded > batch)
        {
            x = cat([x, zeros([padded - batch, channels, height, width], dtype: images.dtype, device: device)], 0);
            y = cat([y, zeros([padded - batch, y.shape[1]], dtype: y.dtype, device: device)], 0);
        }
        var blocks = x.reshape(partitions, m, channels, h, bh, w, bw);
        var mixed = einsum("phwji,pichawb->pjchawb", maskT, blocks).reshape(padded, channels, height, width);
        var share = maskT.sum([1L, 2L]).div_(n); // [P, m, m]: area share of input i in output j
        var mixedTargets = bmm(share, y.reshape(partitions, m, -1)).reshape(padded, -1);
        if (padded > batch)
        {
            mixed = mixed.narrow(0, 0, batch);
            mixedTargets = mixedTargets.narrow(0, 0, batch);
        }
        mixedTargets = mixedTargets / mixedTargets.sum(1, keepdim: true);
        return new MixResult(mixed.contiguous().MoveToOuterDisposeScope(), mixedTargets.contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>c = -(pooled saliency normalized to sum 1 per image) <c>[B, n]</c>; an image with zero saliency gets -1/n everywhere.</summary>
    public static double[] UnaryCosts(ReadOnlySpan<float> pooled, int cells)
    {
        var batch = pooled.Length / cells;
        var cost = new double[pooled.Length];
        for (var b = 0; b < batch; b++)
        {
            double sum = 0;
            for (var k = 0; k < cells; k++) sum += pooled[b * cells + k];
            for (var k = 0; k < cells; k++)
                cost[b * cells + k] = sum > 0 && double.IsFinite(sum) ? -pooled[b * cells + k] / sum : -1.0 / cells;
        }
        return cost;
    }

    /// <summary>
    /// A = (1 - omega) I + omega A_c for one partition, A_c[i, i'] the L1 distance between salient
    /// locations rescaled to sum m. When all distances are zero (one image, or all at one location)
    /// A_c is taken as zero instead of the official code's NaN.
    /// </summary>
    public static double[] Compatibility(ReadOnlySpan<int> rows, ReadOnlySpan<int> cols, double omega)
    {
        var m = rows.Length;
        var a = new double[m * m];
        double sum = 0;
        for (var i = 0; i < m; i++)
            for (var i2 = 0; i2 < m; i2++)
            {
                var d = Math.Abs(rows[i] - rows[i2]) + Math.Abs(cols[i] - cols[i2]);
                a[i * m + i2] = d;
                sum += d;
            }
        var scale = sum > 0 ? omega * m / sum : 0;
        for (var i = 0; i < m * m; i++) a[i] *= scale;
        for (var i = 0; i < m; i++) a[i * m + i] += 1 - omega;
        return a;
    }

    /// <summary>The seed of partition <paramref name="partition"/>'s <see cref="Random"/> (SplitMix64 of the batch seed).</summary>
    public static int PartitionSeed(long seed, int partition)
    {
        var x = SplitMix64.Output(unchecked((ulong)seed), (ulong)(partition + 1));
        return (int)(x & 0x7FFFFFFF);
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>
/// Per-channel normalization x' = (x - mean_c) / std_c of a batch <c>[B, C, H, W]</c> in [0, 1] pixel space.
/// The data loader applies it last, after padding and augmentation; <see cref="Invert"/> returns to pixel
/// space (FGSM's epsilon is defined there).
/// </summary>
public sealed class Normalization
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates a normalization from per-channel mean and standard deviation (pixel values in [0, 1]).</summary>
    public Normalization(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"mean and std need one value per channel; got {mean.Length} and {std.Length}.");
        if (std.Any(s => !(s > 0f) || float.IsInfinity(s)) || mean.Any(m => !float.IsFinite(m)))
            throw new ArgumentException("std must be positive and finite, mean finite.");
        _mean = (float[])mean.Clone();
        _std = (float[])std.Clone();
    }

    /// <summary>Per-channel mean (a copy).</summary>
    public float[] Mean => (float[])_mean.Clone();

    /// <summary>Per-channel standard deviation (a copy).</summary>
    public float[] Std => (float[])_std.Clone();

    /// <summary>Number of channels.</summary>
    public int Channels => _mean.Length;

    /// <summary>
    /// The constants of the official R-Mix CIFAR code: mean (129.3, 124.1, 112.4)/255, std (68.2, 65.4, 70.4)/255.
    /// RLMix computes statistics from the train split instead (<see cref="FromImages"/>); these are for comparison.
    /// </summary>
    public static Normalization RMixCifar { get; } = new(
        [129.3f / 255f, 124.1f / 255f, 112.4f / 255f],
        [68.2f / 255f, 65.4f / 255f, 70.4f / 255f]);

    /// <summary>Mean 0, std 1: leaves batches unchanged.</summary>
    public static Normalization Identity(int channels) => new(new float[channels], Enumerable.Repeat(1f, channels).ToArray());

    /// <summary>
    /// The per-channel mean and (population) standard deviation of <paramref name="images"/> <c>[N, C, H, W]</c>
    /// as the model sees them before augmentation: zero-padded to <paramref name="padTo"/> when the images are
    /// smaller (the padding's zeros count), so that normalized training batches have mean 0 and std 1 per channel.
    /// Accumulated in float64. A channel with std below 1e-6 (constant) gets std 1.
    /// </summary>
    public static Normalization FromImages(Tensor images, int padTo = 0)
    {
        if (images.dim() != 4)
            throw new ArgumentException($"images must be [N, C, H, W]; got [{string.Join(", ", images.shape)}].");
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        var sum = new double[c];
        var sumSq = new double[c];
        const long chunk = 4096; // bounds the float64 copy
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = NewDisposeScope();
            var x = images.narrow(0, start, Math.Min(chunk, n - start)).to_type(ScalarType.Float64);
            var s = x.sum([0, 2, 3]).data<double>().ToArray();
            var q = x.square().sum([0, 2, 3]).data<double>().ToArray();
            for (int i = 0; i < c; i++)
            {
                sum[i] += s[i];
                sumSq[i] += q[i];
            }
        }
        double count = (double)n * Math.Max(h, padTo) * Math.Max(w, padTo);
        var mean = new float[c];
        var std = new float[c];
        for (int i = 0; i < c; i++)
        {
            double m = sum[i] / count;
            double sd = Math.Sqrt(Math.Max(0, sumSq[i] / count - m * m));
            mean[i] = (float)m;
            std[i] = sd < 1e-6 ? 1f : (float)sd;
        }
        return new Normalization(mean, std);
    }

    /// <summary>(x - mean) / std per channel, on the batch's device; returns a new tensor.</summary>
    public Tensor Apply(Tensor batch)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = Constants(batch);
        return batch.sub(mean).div_(std).MoveToOuterDisposeScope();
    }

    /// <summary>x * std + mean per channel: back to [0, 1] pixel space; returns a new tensor.</summary>
    public Tensor Invert(Tensor batch)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = Constants(batch);
        return batch.mul(std).add_(mean).MoveToOuterDisposeScope();
    }

    private (Tensor Mean, Tensor Std) Constants(Tensor batch)
    {
        if (batch.dim() != 4 || batch.shape[1] != Channels)
            throw new ArgumentException($"expected a batch [B, {Channels}, H, W]; got [{string.Join(", ", batch.shape)}].");
        var mean = tensor(_mean, dtype: batch.dtype, device: batch.device).view(1, Channels, 1, 1);
        var std = tensor(_std, dtype: batch.dtype, device: batch.device).view(1, Channels, 1, 1);
        return (mean, std);
    }
}

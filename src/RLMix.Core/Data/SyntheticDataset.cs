using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>
/// The <c>synthetic</c> data set, for tests and benchmarks: 10 classes of 3x32x32 images (CIFAR's shape, so
/// models, padding and the 8x8 saliency grid behave as on CIFAR), each a class prototype plus Gaussian noise
/// (std <see cref="NoiseStd"/>), clamped to [0, 1]. Prototype c is a colour grating at angle 18c degrees plus a
/// 7x7 bright square at a class-specific place, so a small CNN learns it in an epoch and saliency has a
/// region to find. Labels are balanced (N/10 per class, the first N mod 10 classes get one more) in seeded
/// order. Everything follows from the seed: the same seed gives the same tensors.
/// </summary>
public static class SyntheticDataset
{
    /// <summary>The data set name in the catalog.</summary>
    public const string Name = "synthetic";

    /// <summary>Default number of training images.</summary>
    public const int DefaultTrainCount = 2000;

    /// <summary>Default number of test images.</summary>
    public const int DefaultTestCount = 500;

    /// <summary>Number of classes.</summary>
    public const int NumClasses = 10;

    /// <summary>Channels of each image.</summary>
    public const int Channels = 3;

    /// <summary>Height and width of each image.</summary>
    public const int Side = 32;

    /// <summary>Standard deviation of the per-pixel Gaussian noise.</summary>
    public const float NoiseStd = 0.25f;

    private const ulong TrainStream = 0x5EED_0001, TestStream = 0x5EED_0002;

    /// <summary>Generates the train and test splits from <paramref name="seed"/> (independent noise, same prototypes).</summary>
    public static DataSplits Create(int trainCount = DefaultTrainCount, int testCount = DefaultTestCount, long seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testCount);
        using var prototypes = Prototypes();
        return new DataSplits(Sample(prototypes, trainCount, SplitMix64.For(seed, TrainStream)),
                              Sample(prototypes, testCount, SplitMix64.For(seed, TestStream)));
    }

    /// <summary>The noise-free class prototypes, float32 <c>[10, 3, 32, 32]</c> in [0, 1].</summary>
    public static Tensor Prototypes()
    {
        const int plane = Side * Side;
        var values = new float[NumClasses * Channels * plane];
        for (int c = 0; c < NumClasses; c++)
        {
            double angle = Math.PI * c / NumClasses;
            int top = 2 + 10 * (c / 4), left = 1 + 8 * (c % 4);
            for (int ch = 0; ch < Channels; ch++)
            for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                double phase = 2 * Math.PI * (3.0 * (x * Math.Cos(angle) + y * Math.Sin(angle)) / Side + ch / 3.0);
                double v = 0.5 + 0.2 * Math.Sin(phase);
                if (ch == c % Channels && y >= top && y < top + 7 && x >= left && x < left + 7)
                    v = 0.95;
                values[((c * Channels) + ch) * plane + y * Side + x] = (float)v;
            }
        }
        return tensor(values, [NumClasses, Channels, Side, Side]);
    }

    private static ImageDataset Sample(Tensor prototypes, int count, SplitMix64 rng)
    {
        var labels = new long[count];
        for (int i = 0; i < count; i++)
            labels[i] = i % NumClasses;
        rng.Shuffle(labels);
        using var scope = NewDisposeScope();
        using var generator = new Generator(rng.NextUInt64());
        var labelTensor = tensor(labels);
        var noise = randn([count, Channels, Side, Side], generator: generator).mul_(NoiseStd);
        var images = prototypes.index_select(0, labelTensor).add_(noise).clamp_(0f, 1f).contiguous();
        return new ImageDataset(Name, images.MoveToOuterDisposeScope(), labelTensor.MoveToOuterDisposeScope(), NumClasses);
    }
}

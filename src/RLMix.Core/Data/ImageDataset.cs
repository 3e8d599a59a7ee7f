using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>
/// An image classification data set held in memory: pixels in [0, 1] at their native resolution.
/// Padding, augmentation and normalization are applied per batch by the data loader.
/// </summary>
/// <param name="Name">The data set's name, e.g. <c>fashion-mnist-mini</c>.</param>
/// <param name="Images">float32 <c>[N, C, H, W]</c> in [0, 1], on the CPU.</param>
/// <param name="Labels">int64 <c>[N]</c> class indices.</param>
/// <param name="NumClasses">Number of classes.</param>
public sealed record ImageDataset(string Name, Tensor Images, Tensor Labels, int NumClasses)
{
    /// <summary>Number of images.</summary>
    public int Count => (int)Images.shape[0];

    /// <summary>Channels of each image.</summary>
    public int Channels => (int)Images.shape[1];

    /// <summary>Height of each image.</summary>
    public int Height => (int)Images.shape[2];

    /// <summary>Width of each image.</summary>
    public int Width => (int)Images.shape[3];

    /// <summary>
    /// The normalization the data loader applies: the train split's statistics, set on both splits by
    /// <see cref="DatasetCatalog.Load"/>; null means the loader computes it from this data set.
    /// </summary>
    public Normalization? Normalization { get; init; }
}

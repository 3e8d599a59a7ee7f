namespace RLMix.Data;

/// <summary>Which data set to load and how to feed it. Bound from the config file and CLI options.</summary>
public sealed record DataOptions
{
    /// <summary>Data set name: fashion-mnist-mini, fashion-mnist, cifar10, cifar100, synthetic. The default value is fashion-mnist-mini.</summary>
    public string Dataset { get; init; } = "fashion-mnist-mini";

    /// <summary>Directory with the data set's files; null means the data set's default location.</summary>
    public string? DataDir { get; init; }

    /// <summary>Use only N training images, a seeded, class-balanced pick (see <see cref="DatasetCatalog.Load"/>); null means all. For <c>synthetic</c>: the number generated (default 2,000).</summary>
    public int? LimitTrain { get; init; }

    /// <summary>Use only N test images, picked like <see cref="LimitTrain"/>; null means all. For <c>synthetic</c>: the number generated (default 500).</summary>
    public int? LimitTest { get; init; }

    /// <summary>Zero-pad smaller images to this side, centered (28x28 to 32x32, so 8x8, 4x4 and 2x2 grids divide it); images already this large, or 0, are not padded. The default value is 32.</summary>
    public int PadTo { get; init; } = 32;

    /// <summary>Random crop with padding and horizontal flip; null means the data set's default (on for CIFAR, off otherwise).</summary>
    public bool? Augment { get; init; }

    /// <summary>Padding of the random crop. The default value is 2 (R-Mix's official CIFAR setting).</summary>
    public int CropPadding { get; init; } = 2;

    /// <summary>Batch size. The default value is 100.</summary>
    public int BatchSize { get; init; } = 100;
}

using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>
/// The data sets RLMix knows by name, and the one way to load them: <see cref="Load"/> reads (or generates)
/// both splits as float32 <c>[N, C, H, W]</c> in [0, 1], one contiguous CPU tensor per split, applies
/// <see cref="DataOptions.LimitTrain"/>/<see cref="DataOptions.LimitTest"/>, and attaches the train split's
/// <see cref="Normalization"/> to both splits.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The embedded default: 6,000 train / 1,000 test images of Fashion-MNIST, class-balanced.</summary>
    public const string FashionMnistMini = "fashion-mnist-mini";

    /// <summary>Full Fashion-MNIST from <see cref="DataOptions.DataDir"/>, else <see cref="FashionMnist.DebianDirectory"/>.</summary>
    public const string FashionMnistFull = "fashion-mnist";

    /// <summary>CIFAR-10, binary version, from <see cref="DataOptions.DataDir"/> (required).</summary>
    public const string Cifar10 = "cifar10";

    /// <summary>CIFAR-100 (fine labels), binary version, from <see cref="DataOptions.DataDir"/> (required).</summary>
    public const string Cifar100 = "cifar100";

    /// <summary>Generated, see <see cref="SyntheticDataset"/>.</summary>
    public const string Synthetic = SyntheticDataset.Name;

    private const ulong LimitTrainStream = 0x11A1_7001, LimitTestStream = 0x11A1_7002;

    /// <summary>Every data set name <see cref="Load"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [FashionMnistMini, FashionMnistFull, Cifar10, Cifar100, Synthetic];

    /// <summary>Whether random crop and flip are on when <see cref="DataOptions.Augment"/> is null: on for CIFAR, off otherwise.</summary>
    public static bool AugmentByDefault(string dataset) => dataset is Cifar10 or Cifar100;

    /// <summary>
    /// Loads the data set <see cref="DataOptions.Dataset"/>.
    /// <para>Limits: <see cref="DataOptions.LimitTrain"/> and <see cref="DataOptions.LimitTest"/> keep a seeded,
    /// class-balanced subset (a shuffle by <paramref name="seed"/>, then round-robin over classes; kept images
    /// stay in file order); a limit at or above the split's size keeps it whole. For <c>synthetic</c> the limits
    /// are the generated sizes (default 2,000 / 500).</para>
    /// </summary>
    /// <exception cref="UsageException">Unknown data set name or a limit below 1.</exception>
    /// <exception cref="DataException">Missing, truncated or corrupt files (the message names the path and how to get the data).</exception>
    public static DataSplits Load(DataOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.LimitTrain is < 1)
            throw new UsageException($"limit-train must be at least 1; got {options.LimitTrain}. Leave it out to use the whole training split.");
        if (options.LimitTest is < 1)
            throw new UsageException($"limit-test must be at least 1; got {options.LimitTest}. Leave it out to use the whole test split.");
        if (options.PadTo < 0)
            throw new UsageException($"pad-to must be 0 or more; got {options.PadTo}.");

        var splits = options.Dataset switch
        {
            FashionMnistMini => FashionMnist.LoadMini(),
            FashionMnistFull => FashionMnist.Load(options.DataDir),
            Cifar10 => CifarReader.Load(RequireDataDir(options, CifarVariant.Cifar10), CifarVariant.Cifar10),
            Cifar100 => CifarReader.Load(RequireDataDir(options, CifarVariant.Cifar100), CifarVariant.Cifar100),
            Synthetic => SyntheticDataset.Create(options.LimitTrain ?? SyntheticDataset.DefaultTrainCount,
                                                 options.LimitTest ?? SyntheticDataset.DefaultTestCount, seed),
            _ => throw new UsageException($"Unknown dataset '{Echo.Of(options.Dataset)}'. Allowed: {string.Join(", ", Names)}."),
        };

        var train = Limit(splits.Train, options.LimitTrain, SplitMix64.For(seed, LimitTrainStream));
        var test = Limit(splits.Test, options.LimitTest, SplitMix64.For(seed, LimitTestStream));
        var normalization = Normalization.FromImages(train.Images, options.PadTo);
        return new DataSplits(train with { Normalization = normalization }, test with { Normalization = normalization });
    }

    private static string RequireDataDir(DataOptions options, CifarVariant variant) =>
        options.DataDir ?? throw new DataException(
            $"The {CifarReader.DatasetName(variant)} data set is not shipped with RLMix and needs --data-dir. {CifarReader.HowToGet(variant)}");

    private static ImageDataset Limit(ImageDataset dataset, int? limit, SplitMix64 rng)
    {
        if (limit is not int n || n >= dataset.Count)
            return dataset;
        var labels = dataset.Labels.data<long>().ToArray();
        var keep = ClassBalancedSubset.Pick(labels, n, dataset.NumClasses, rng);
        using var index = tensor(keep);
        var subset = dataset with { Images = dataset.Images.index_select(0, index), Labels = dataset.Labels.index_select(0, index) };
        dataset.Images.Dispose();
        dataset.Labels.Dispose();
        return subset;
    }
}

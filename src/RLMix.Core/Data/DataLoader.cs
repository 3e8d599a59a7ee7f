using RLMix.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>
/// Feeds an <see cref="ImageDataset"/> in minibatches on a device. Per batch, batched on the device with no
/// per-image loop: gather the images, zero-pad them to <see cref="DataOptions.PadTo"/> (centered; 28 to 32 puts
/// 2 pixels on each side), then when augmenting a random crop with <see cref="DataOptions.CropPadding"/> and a
/// horizontal flip with probability 1/2 (torchvision's RandomCrop(padding) + RandomHorizontalFlip, as in the
/// official R-Mix code), then <see cref="Normalization"/>.
/// <para>Determinism: the order and the augmentation draws of epoch e are drawn at the start of
/// <see cref="Epoch"/> from a generator seeded by (seed, e) alone, in C# (so they do not depend on libtorch or the
/// device). Earlier epochs need not have been iterated, and <c>skipBatches</c> skips batches without changing
/// the ones after: a run resumed mid-epoch sees exactly the batches an uninterrupted run would.</para>
/// <para>Ownership: each yielded <see cref="Batch"/> belongs to the consumer, who disposes it (or lets a dispose
/// scope open around the enumeration take it). The loader keeps no reference to it.</para>
/// </summary>
public sealed class DataLoader
{
    private const ulong EpochStream = 0xDA7A_10AD;
    private readonly ImageDataset _dataset;
    private readonly long _seed;
    private readonly bool _shuffle;
    private readonly int _padTop, _padBottom, _padLeft, _padRight, _cropPadding;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The images, on the CPU.</param>
    /// <param name="options">Batch size, PadTo, Augment (null: <see cref="DatasetCatalog.AugmentByDefault"/>), CropPadding.</param>
    /// <param name="seed">Root seed of the order and augmentation draws.</param>
    /// <param name="device">Where batches are built and returned.</param>
    /// <param name="shuffle">Seeded new order every epoch (training); false keeps the data set's order.</param>
    /// <param name="dropLast">Leave out the last partial batch. The official R-Mix train loader does (every
    /// batch then has exactly B images, which mixers pairing images within a batch and the RL observation rely on).</param>
    /// <param name="normalization">Default: <see cref="ImageDataset.Normalization"/>, else computed from
    /// <paramref name="dataset"/> (right for a training split; give a test loader the training split's).</param>
    /// <exception cref="UsageException">Batch size below 1, negative PadTo or CropPadding, or fewer images than one batch with <paramref name="dropLast"/>.</exception>
    public DataLoader(ImageDataset dataset, DataOptions options, long seed, Device device, bool shuffle, bool dropLast,
        Normalization? normalization = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize < 1)
            throw new UsageException($"batch-size must be at least 1; got {options.BatchSize}.");
        if (options.PadTo < 0)
            throw new UsageException($"pad-to must be 0 or more; got {options.PadTo}.");
        if (options.CropPadding < 0)
            throw new UsageException($"crop-padding must be 0 or more; got {options.CropPadding}.");

        _dataset = dataset;
        _seed = seed;
        _shuffle = shuffle;
        Device = device;
        BatchSize = options.BatchSize;
        DropLast = dropLast;
        Augment = options.Augment ?? DatasetCatalog.AugmentByDefault(dataset.Name);
        _cropPadding = Augment ? options.CropPadding : 0;
        (_padTop, _padBottom) = Split(Math.Max(0, options.PadTo - dataset.Height));
        (_padLeft, _padRight) = Split(Math.Max(0, options.PadTo - dataset.Width));
        // One batch as the model sees it: the bound that catches pad_to 100000 before the first pad() asks for terabytes.
        Configuration.Limits.Elements($"A batch of {BatchSize} images of {dataset.Height}x{dataset.Width} padded to pad_to = {options.PadTo} with crop_padding {_cropPadding}",
            BatchSize, dataset.Channels, dataset.Height + _padTop + _padBottom + 2L * _cropPadding, dataset.Width + _padLeft + _padRight + 2L * _cropPadding);
        Normalization = normalization ?? dataset.Normalization ?? Normalization.FromImages(dataset.Images, options.PadTo);
        if (Normalization.Channels != dataset.Channels)
            throw new ArgumentException($"normalization has {Normalization.Channels} channels, the data set {dataset.Channels}.", nameof(normalization));

        BatchesPerEpoch = dropLast ? dataset.Count / BatchSize : (dataset.Count + BatchSize - 1) / BatchSize;
        if (BatchesPerEpoch == 0)
            throw new UsageException($"The {dataset.Name} split has {dataset.Count} images, fewer than one batch of {BatchSize} " +
                                     "(the training loader drops the last partial batch); lower --batch-size or raise --limit-train.");
    }

    /// <summary>A training loader: shuffled, last partial batch dropped, augmentation per options.</summary>
    public static DataLoader ForTraining(ImageDataset train, DataOptions options, long seed, Device device) =>
        new(train, options, seed, device, shuffle: true, dropLast: true);

    /// <summary>An evaluation loader: data set order, last partial batch kept, no augmentation, the data set's
    /// <see cref="ImageDataset.Normalization"/> (the training split's, when loaded through the catalog).</summary>
    public static DataLoader ForEvaluation(ImageDataset test, DataOptions options, Device device, Normalization? normalization = null) =>
        new(test, options with { Augment = false }, seed: 0, device, shuffle: false, dropLast: false, normalization);

    /// <summary>Images per batch (the last batch may be smaller unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>Whether the last partial batch is left out.</summary>
    public bool DropLast { get; }

    /// <summary>Whether random crop and flip are applied.</summary>
    public bool Augment { get; }

    /// <summary>The device batches are built on.</summary>
    public Device Device { get; }

    /// <summary>The normalization applied last.</summary>
    public Normalization Normalization { get; }

    /// <summary>The data set fed.</summary>
    public ImageDataset Dataset => _dataset;

    /// <summary>Shape <c>[C, H, W]</c> of each image in a batch (after padding).</summary>
    public long[] ImageShape => [_dataset.Channels, _dataset.Height + _padTop + _padBottom, _dataset.Width + _padLeft + _padRight];

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> (any numbering; the caller's), from batch
    /// <paramref name="skipBatches"/> on. Deterministic in (seed, epoch) alone.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch, int skipBatches = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skipBatches);
        var plan = Plan(epoch);
        for (int b = skipBatches; b < BatchesPerEpoch; b++)
            yield return MakeBatch(plan, b); // built in its own dispose scope, never one held open across the yield
    }

    /// <summary>The per-epoch draws: the order, and for each position a crop offset and a flip.</summary>
    private sealed record EpochPlan(long[] Order, long[] OffsetY, long[] OffsetX, bool[] Flip);

    private EpochPlan Plan(int epoch)
    {
        int n = _dataset.Count;
        var rng = SplitMix64.For(_seed, EpochStream, epoch);
        var order = new long[n];
        for (int i = 0; i < n; i++)
            order[i] = i;
        if (_shuffle)
            rng.Shuffle(order);
        var dy = new long[n];
        var dx = new long[n];
        var flip = new bool[n];
        if (Augment)
        {
            for (int i = 0; i < n; i++)
            {
                dy[i] = rng.Below(2 * _cropPadding + 1);
                dx[i] = rng.Below(2 * _cropPadding + 1);
                flip[i] = rng.Below(2) == 1;
            }
        }
        return new EpochPlan(order, dy, dx, flip);
    }

    private Batch MakeBatch(EpochPlan plan, int b)
    {
        int start = b * BatchSize;
        int size = Math.Min(BatchSize, _dataset.Count - start);
        using var scope = NewDisposeScope();
        var index = tensor(plan.Order.AsSpan(start, size).ToArray());
        var x = _dataset.Images.index_select(0, index).to(Device);
        var labels = _dataset.Labels.index_select(0, index).to(Device);

        // Pad once by the PadTo margins plus the crop padding (zeros: black, in pixel space).
        int p = _cropPadding;
        if (_padLeft + _padRight + _padTop + _padBottom + p > 0)
            x = nn.functional.pad(x, [_padLeft + p, _padRight + p, _padTop + p, _padBottom + p]);
        if (Augment)
            x = CropAndFlip(x, plan, start, size);
        x = Normalization.Apply(x);
        return new Batch(x.MoveToOuterDisposeScope(), labels.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Random crop of each padded image at its own offset (dy, dx), flipped horizontally where drawn: one
    /// gather with a per-image index into the flattened padded image. The flip is folded into the column
    /// index (column j of a flipped crop is padded column dx + w - 1 - j), so it costs nothing extra.
    /// </summary>
    private Tensor CropAndFlip(Tensor padded, EpochPlan plan, int start, int size)
    {
        long c = padded.shape[1], paddedW = padded.shape[3];
        long h = padded.shape[2] - 2 * _cropPadding, w = paddedW - 2 * _cropPadding;
        var dy = tensor(plan.OffsetY.AsSpan(start, size).ToArray(), device: Device).view(size, 1, 1);
        var dx = tensor(plan.OffsetX.AsSpan(start, size).ToArray(), device: Device).view(size, 1, 1);
        var flip = tensor(plan.Flip.AsSpan(start, size).ToArray(), device: Device).view(size, 1, 1);
        var rows = dy + arange(h, ScalarType.Int64, Device).view(1, h, 1);                   // [B, h, 1]
        var straight = arange(w, ScalarType.Int64, Device).view(1, 1, w);
        var cols = dx + where(flip, straight.flip(2), straight);                             // [B, 1, w]
        var index = (rows * paddedW + cols).view(size, 1, h * w).expand(size, c, h * w);     // [B, C, h*w]
        return padded.contiguous().view(size, c, -1).gather(2, index).view(size, c, h, w);
    }

    private static (int Before, int After) Split(int total) => (total / 2, total - total / 2);
}

using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>
/// Reads the CIFAR-10 and CIFAR-100 "binary version" files (Krizhevsky, 2009). A file is a sequence of
/// fixed-size records, a label byte (CIFAR-10) or a coarse and a fine label byte (CIFAR-100) followed by
/// 3072 pixel bytes in <c>[3, 32, 32]</c> order. The length must be a positive multiple of the record size
/// and every label in range; any problem is a <see cref="DataException"/> naming the file and how to get the data.
/// </summary>
public static class CifarReader
{
    /// <summary>Pixel bytes per record: 3 channels of 32x32.</summary>
    public const int PixelBytes = 3 * 32 * 32;

    /// <summary>Bytes per record: 1 label byte + 3072 (CIFAR-10) or coarse + fine label bytes + 3072 (CIFAR-100).</summary>
    public static int RecordBytes(CifarVariant variant) => LabelBytes(variant) + PixelBytes;

    /// <summary>Number of classes: 10, or 100 fine classes.</summary>
    public static int NumClasses(CifarVariant variant) => variant == CifarVariant.Cifar10 ? 10 : 100;

    /// <summary>The data set name in the catalog: <c>cifar10</c> or <c>cifar100</c>.</summary>
    public static string DatasetName(CifarVariant variant) => variant == CifarVariant.Cifar10 ? "cifar10" : "cifar100";

    /// <summary>The training files, in the order they are concatenated.</summary>
    public static IReadOnlyList<string> TrainFiles(CifarVariant variant) => variant == CifarVariant.Cifar10
        ? ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"]
        : ["train.bin"];

    /// <summary>The test files.</summary>
    public static IReadOnlyList<string> TestFiles(CifarVariant variant) => variant == CifarVariant.Cifar10
        ? ["test_batch.bin"]
        : ["test.bin"];

    /// <summary>The folder the official archive extracts to, which <see cref="Load"/> also looks in.</summary>
    public static string ArchiveFolder(CifarVariant variant) => variant == CifarVariant.Cifar10 ? "cifar-10-batches-bin" : "cifar-100-binary";

    /// <summary>How to get the data, for error messages.</summary>
    public static string HowToGet(CifarVariant variant)
    {
        string label = variant == CifarVariant.Cifar10 ? "CIFAR-10" : "CIFAR-100";
        string archive = variant == CifarVariant.Cifar10 ? "cifar-10-binary.tar.gz" : "cifar-100-binary.tar.gz";
        return $"Download the {label} binary version ({archive}) from https://www.cs.toronto.edu/~kriz/cifar.html, " +
               $"extract it, and pass --data-dir DIR (the {ArchiveFolder(variant)} folder or its parent).";
    }

    /// <summary>Reads one CIFAR binary file.</summary>
    public static CifarRecords ReadFile(string path, CifarVariant variant)
    {
        using var stream = DataFile.Open(path, HowToGet(variant));
        return Read(stream, path, variant);
    }

    /// <summary>Reads CIFAR records from a seekable stream (from its position to its end); <paramref name="source"/> names it in errors.</summary>
    public static CifarRecords Read(Stream stream, string source, CifarVariant variant)
    {
        string howToGet = HowToGet(variant);
        if (DataFile.IsGzip(stream))
            throw DataFile.Fail(source, "file is gzip-compressed, not a CIFAR binary file; extract the downloaded archive first (tar xzf)", howToGet);
        int record = RecordBytes(variant);
        long length = stream.Length - stream.Position;
        if (length == 0)
            throw DataFile.Fail(source, "file is empty", howToGet);
        if (length % record != 0)
            throw DataFile.Fail(source, $"length {length:N0} bytes is not a multiple of the {record}-byte {(variant == CifarVariant.Cifar10 ? "CIFAR-10" : "CIFAR-100")} record; the file is truncated or of another format", howToGet);
        byte[] raw = DataFile.ReadPayload(stream, length, length, source, howToGet);
        return Parse(raw, variant, source, howToGet);
    }

    /// <summary>
    /// Loads the train and test splits from <paramref name="dataDir"/> (or its <see cref="ArchiveFolder"/> subfolder)
    /// as float32 <c>[N, 3, 32, 32]</c> in [0, 1], each split in one contiguous tensor.
    /// </summary>
    public static DataSplits Load(string dataDir, CifarVariant variant)
    {
        string dir = Directory.Exists(Path.Combine(dataDir, ArchiveFolder(variant))) &&
                     !File.Exists(Path.Combine(dataDir, TrainFiles(variant)[0]))
            ? Path.Combine(dataDir, ArchiveFolder(variant))
            : dataDir;
        var train = LoadSplit(dir, TrainFiles(variant), variant);
        try
        {
            return new DataSplits(train, LoadSplit(dir, TestFiles(variant), variant));
        }
        catch
        {
            train.Images.Dispose();
            train.Labels.Dispose();
            throw;
        }
    }

    private static ImageDataset LoadSplit(string dir, IReadOnlyList<string> files, CifarVariant variant)
    {
        // Parse every file first (so a bad file fails before the big tensor exists), then copy into one tensor.
        var parts = files.Select(f => ReadFile(Path.Combine(dir, f), variant)).ToList();
        long total = parts.Sum(p => (long)p.Count);
        var images = empty([total, 3, 32, 32], ScalarType.Float32);
        var labels = new long[total];
        long offset = 0;
        foreach (var part in parts)
        {
            ImageTensors.CopyInto(images, offset, part.Pixels, part.Count);
            for (int i = 0; i < part.Count; i++)
                labels[offset + i] = part.Labels[i];
            offset += part.Count;
        }
        return new ImageDataset(DatasetName(variant), images, tensor(labels), NumClasses(variant));
    }

    private static CifarRecords Parse(byte[] raw, CifarVariant variant, string source, string howToGet)
    {
        int record = RecordBytes(variant);
        int count = raw.Length / record;
        var pixels = new byte[(long)count * PixelBytes];
        var labels = new byte[count];
        int labelBytes = LabelBytes(variant);
        for (int i = 0; i < count; i++)
        {
            int at = i * record;
            if (variant == CifarVariant.Cifar100 && raw[at] >= 20)
                throw DataFile.Fail(source, $"coarse label {raw[at]} of record {i} is out of range 0..19; the file is corrupt or not CIFAR-100", howToGet);
            labels[i] = raw[at + labelBytes - 1];
            Buffer.BlockCopy(raw, at + labelBytes, pixels, i * PixelBytes, PixelBytes);
        }
        ImageTensors.CheckLabels(labels, NumClasses(variant), source, howToGet);
        return new CifarRecords(pixels, labels);
    }

    private static int LabelBytes(CifarVariant variant) => variant == CifarVariant.Cifar10 ? 1 : 2;
}

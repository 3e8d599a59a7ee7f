using System.Reflection;

namespace RLMix.Data;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; MIT license, Zalando Research): 28x28 grayscale images
/// of 10 clothing classes in IDX files. The full set comes from a directory; <c>fashion-mnist-mini</c>
/// (600 train / 100 test images per class) is embedded in this assembly (see Data/Embedded/NOTICE.md).
/// </summary>
public static class FashionMnist
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Number of classes.</summary>
    public const int NumClasses = 10;

    /// <summary>How to get the full data set, for error messages.</summary>
    public const string HowToGet =
        "Install Fashion-MNIST with `apt-get install dataset-fashion-mnist` (files go to " + DebianDirectory +
        "), or download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and " +
        "t10k-labels-idx1-ubyte.gz from https://github.com/zalandoresearch/fashion-mnist and pass --data-dir DIR.";

    private const string EmbeddedHowToGet =
        "The embedded fashion-mnist-mini resource of RLMix.Core is damaged; rebuild RLMix (the files are under src/RLMix.Core/Data/Embedded).";

    /// <summary>
    /// Loads the full data set (60,000 train / 10,000 test) from <paramref name="directory"/>, default
    /// <see cref="DebianDirectory"/>. Each file may be gzip-compressed (<c>NAME.gz</c>) or raw (<c>NAME</c>).
    /// </summary>
    public static DataSplits Load(string? directory = null)
    {
        string dir = directory ?? DebianDirectory;
        var train = IdxReader.LoadDataset("fashion-mnist", Find(dir, "train-images-idx3-ubyte"), Find(dir, "train-labels-idx1-ubyte"), NumClasses, HowToGet);
        try
        {
            var test = IdxReader.LoadDataset("fashion-mnist", Find(dir, "t10k-images-idx3-ubyte"), Find(dir, "t10k-labels-idx1-ubyte"), NumClasses, HowToGet);
            return new DataSplits(train, test);
        }
        catch
        {
            train.Images.Dispose();
            train.Labels.Dispose();
            throw;
        }
    }

    /// <summary>Loads the embedded <c>fashion-mnist-mini</c>: 6,000 train / 1,000 test images, class-balanced.</summary>
    public static DataSplits LoadMini()
    {
        var train = LoadEmbedded("train");
        return new DataSplits(train, LoadEmbedded("t10k"));
    }

    private static ImageDataset LoadEmbedded(string prefix)
    {
        using var images = OpenResource($"{prefix}-images-idx3-ubyte.gz");
        using var labels = OpenResource($"{prefix}-labels-idx1-ubyte.gz");
        return IdxReader.LoadDataset("fashion-mnist-mini", images, $"embedded fashion-mnist-mini/{prefix}-images-idx3-ubyte.gz",
            labels, $"embedded fashion-mnist-mini/{prefix}-labels-idx1-ubyte.gz", NumClasses, EmbeddedHowToGet);
    }

    private static Stream OpenResource(string file)
    {
        string name = "RLMix.Data.Embedded." + file;
        return typeof(FashionMnist).Assembly.GetManifestResourceStream(name)
               ?? throw DataFile.Fail($"embedded resource {name}", "missing from RLMix.Core", EmbeddedHowToGet);
    }

    /// <summary>NAME.gz if it exists, else NAME (raw); the .gz path when neither exists, so the error names the usual file.</summary>
    private static string Find(string dir, string name)
    {
        string gz = Path.Combine(dir, name + ".gz");
        string raw = Path.Combine(dir, name);
        return File.Exists(gz) || !File.Exists(raw) ? gz : raw;
    }
}

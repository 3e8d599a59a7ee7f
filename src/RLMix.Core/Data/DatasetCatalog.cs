namespace RLMix.Data;

/// <summary>STUB until the data branch merges.</summary>
public static class DatasetCatalog
{
    /// <summary>Data set names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["fashion-mnist-mini", "fashion-mnist", "cifar10", "cifar100", "synthetic"];

    /// <summary>Loads a data set.</summary>
    public static DataSplits Load(DataOptions options, long seed) => throw new NotImplementedException("STUB");
}

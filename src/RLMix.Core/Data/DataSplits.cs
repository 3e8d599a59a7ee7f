namespace RLMix.Data;

/// <summary>A data set's train and test splits.</summary>
public sealed record DataSplits(ImageDataset Train, ImageDataset Test);

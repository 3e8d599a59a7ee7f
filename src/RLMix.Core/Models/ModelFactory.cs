namespace RLMix.Models;

/// <summary>Creates classifiers by name.</summary>
public static class ModelFactory
{
    /// <summary>The model names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["small-cnn", "preact-resnet18"];

    /// <summary>Creates a freshly initialized model (initialization uses torch's global generator; seed it first).</summary>
    public static ClassifierModel Create(string name, int inChannels, int numClasses) =>
        throw new NotImplementedException("STUB: filled by the models work");
}

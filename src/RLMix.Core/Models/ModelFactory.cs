namespace RLMix.Models;

/// <summary>Creates classifiers by name.</summary>
public static class ModelFactory
{
    /// <summary>The model names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["small-cnn", "preact-resnet18"];

    /// <summary>Creates a freshly initialized model (initialization uses torch's global generator; seed it first).</summary>
    /// <exception cref="Errors.UsageException">Unknown <paramref name="name"/>; the message lists the allowed names.</exception>
    public static ClassifierModel Create(string name, int inChannels, int numClasses) => name switch
    {
        "small-cnn" => new SmallCnn(inChannels, numClasses),
        "preact-resnet18" => new PreActResNet18(inChannels, numClasses),
        _ => throw new Errors.UsageException($"Unknown model '{Errors.Echo.Of(name)}'. Allowed values: {string.Join(", ", Names)}."),
    };
}

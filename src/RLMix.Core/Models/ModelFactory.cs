namespace RLMix.Models;

/// <summary>Creates classifiers by name.</summary>
public static class ModelFactory
{
    /// <summary>The model names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["small-cnn", "preact-resnet18"];

    /// <summary>
    /// Creates a model on the CPU, initialized as PyTorch initializes it by default but drawn from a
    /// generator seeded with <paramref name="seed"/> (see <see cref="DefaultInit"/>): the weights depend
    /// on the seed alone, not on torch's process-wide generator.
    /// </summary>
    /// <exception cref="Errors.UsageException">Unknown <paramref name="name"/>; the message lists the allowed names.</exception>
    public static ClassifierModel Create(string name, int inChannels, int numClasses, long seed)
    {
        ClassifierModel model = name switch
        {
            "small-cnn" => new SmallCnn(inChannels, numClasses),
            "preact-resnet18" => new PreActResNet18(inChannels, numClasses),
            _ => throw new Errors.UsageException($"Unknown model '{name}'. Allowed values: {string.Join(", ", Names)}."),
        };
        using var generator = new TorchSharp.torch.Generator(unchecked((ulong)seed));
        DefaultInit.Apply(model, generator);
        return model;
    }
}

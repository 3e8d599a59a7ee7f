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
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="inChannels">Image channels.</param>
    /// <param name="numClasses">Number of classes.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="memoryFormat">The layout of the activations (<see cref="ClassifierModel.MemoryFormat"/>). The default value is channels_last.</param>
    /// <exception cref="Errors.UsageException">Unknown <paramref name="name"/> or <paramref name="memoryFormat"/>; the message lists the allowed names.</exception>
    public static ClassifierModel Create(string name, int inChannels, int numClasses, long seed, string memoryFormat = MemoryFormat.ChannelsLast)
    {
        ClassifierModel model = name switch
        {
            "small-cnn" => new SmallCnn(inChannels, numClasses),
            "preact-resnet18" => new PreActResNet18(inChannels, numClasses),
            _ => throw new Errors.UsageException($"Unknown model '{Errors.Echo.Of(name)}'. Allowed values: {string.Join(", ", Names)}."),
        };
        using var generator = new TorchSharp.torch.Generator(unchecked((ulong)seed));
        DefaultInit.Apply(model, generator);
        try
        {
            model.MemoryFormat = memoryFormat;
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return model;
    }
}

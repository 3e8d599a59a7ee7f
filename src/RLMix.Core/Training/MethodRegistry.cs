namespace RLMix.Training;

/// <summary>
/// Training methods by name. Each method registers a factory; the CLI looks methods up here, so a
/// new method needs no change to the command. The methods of RLMix.Core (vanilla, mixup, cutmix,
/// rmix, comixup, lamix) are registered on first use; RL-Mix registers from RLMix.Agents.
/// </summary>
public static class MethodRegistry
{
    static readonly Dictionary<string, Func<MethodSettings, ITrainingMethod>> factories = new(StringComparer.Ordinal);

    static MethodRegistry() => Methods.BuiltInMethods.RegisterAll();

    /// <summary>Registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Registers (or replaces) a factory.</summary>
    public static void Register(string name, Func<MethodSettings, ITrainingMethod> factory) => factories[name] = factory;

    /// <summary>Creates the method <paramref name="name"/>, or throws <see cref="Errors.UsageException"/> naming the allowed values.</summary>
    public static ITrainingMethod Create(string name, MethodSettings settings) =>
        factories.TryGetValue(name, out var f)
            ? f(settings)
            : throw new Errors.UsageException($"Unknown method '{Errors.Echo.Of(name)}'. Allowed values: {string.Join(", ", Names)}.");
}

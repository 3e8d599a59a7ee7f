using System.Text.Json;
using System.Text.Json.Nodes;
using RLMix.Configuration;

namespace RLMix.Training;

/// <summary>
/// Training methods by name. Each method registers a factory; the CLI looks methods up here, so a
/// new method needs no change to the command. The methods of RLMix.Core (vanilla, mixup, cutmix,
/// rmix, comixup, lamix) are registered on first use; RL-Mix registers from RLMix.Agents.
/// </summary>
public static class MethodRegistry
{
    static readonly Dictionary<string, Func<MethodSettings, ITrainingMethod>> factories = new(StringComparer.Ordinal);
    static readonly Dictionary<string, Func<MethodSettings, JsonNode?>> resolvers = new(StringComparer.Ordinal);

    static MethodRegistry() => Methods.BuiltInMethods.RegisterAll();

    /// <summary>Registered names, sorted.</summary>
    public static IReadOnlyList<string> Names => factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Registers (or replaces) a factory that reads its own options section.</summary>
    public static void Register(string name, Func<MethodSettings, ITrainingMethod> factory)
    {
        factories[name] = factory;
        resolvers.Remove(name);
    }

    /// <summary>
    /// Registers (or replaces) a method whose options section binds to <typeparamref name="TOptions"/>, so that
    /// <see cref="ResolvedOptions"/> can fill in its defaults (a run's identity then does not depend on
    /// whether a default was written out).
    /// </summary>
    public static void Register<TOptions>(string name, Func<TOptions, ITrainingMethod> factory) where TOptions : new()
    {
        factories[name] = s => factory(s.Get<TOptions>(name));
        resolvers[name] = s => JsonSerializer.SerializeToNode(s.Get<TOptions>(name), ConfigFile.JsonOptions);
    }

    /// <summary>
    /// The options of method <paramref name="name"/> as the method will use them: its section bound to its
    /// options type with every default filled in, or, for a method registered without an options type, the
    /// section as written (null when there is none).
    /// </summary>
    public static JsonNode? ResolvedOptions(string name, MethodSettings settings)
    {
        if (resolvers.TryGetValue(name, out var resolve)) return resolve(settings);
        return settings.Sections.TryGetValue(name, out var section) ? JsonNode.Parse(section.GetRawText()) : null;
    }

    /// <summary>Creates the method <paramref name="name"/>, or throws <see cref="Errors.UsageException"/> naming the allowed values.</summary>
    public static ITrainingMethod Create(string name, MethodSettings settings) =>
        factories.TryGetValue(name, out var f)
            ? f(settings)
            : throw new Errors.UsageException($"Unknown method '{Errors.Echo.Of(name)}'. Allowed values: {string.Join(", ", Names)}.");
}

using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using RLMix.Configuration;
using RLMix.Errors;

namespace RLMix.Training;

/// <summary>
/// The training methods a program knows, by name: an immutable value built once by the entry point (the CLI
/// adds RL-Mix to <c>BuiltInMethods.Catalog()</c>) and passed to whatever resolves, validates or creates a
/// method. <see cref="With{TOptions}"/> returns a new catalogue, so a test's extra method never leaks into another.
/// </summary>
public sealed class MethodCatalog
{
    readonly ImmutableDictionary<string, MethodEntry> entries;

    MethodCatalog(ImmutableDictionary<string, MethodEntry> entries)
    {
        this.entries = entries;
        Names = entries.Keys.Order(StringComparer.Ordinal).ToImmutableArray();
    }

    /// <summary>A catalogue without methods.</summary>
    public static MethodCatalog Empty { get; } = new(ImmutableDictionary.Create<string, MethodEntry>(StringComparer.Ordinal));

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>
    /// This catalogue plus (or with a replaced) method <paramref name="name"/> whose options section binds to
    /// <typeparamref name="TOptions"/> (snake_case keys; absent section: <c>new TOptions()</c>).
    /// </summary>
    /// <param name="inputs">
    /// Fingerprints of files the options name whose content changes the run (e.g. a saved agent's SHA-256), or null:
    /// they join the run's identity (<see cref="Configuration.RunIdentity"/>), so a run or comparison cell made with
    /// another file's content is not reused or resumed. Null when the method reads no such file.
    /// </param>
    public MethodCatalog With<TOptions>(string name, Func<TOptions, ITrainingMethod> factory, Func<TOptions, JsonObject?>? inputs = null)
        where TOptions : new() =>
        new(entries.SetItem(name, new MethodEntry(
            s => factory(s.Get<TOptions>(name)),
            s => JsonSerializer.SerializeToNode(s.Get<TOptions>(name), ConfigFile.JsonOptions),
            inputs is null ? null : s => inputs(s.Get<TOptions>(name)))));

    /// <summary>This catalogue plus a method that reads its section itself (its options are recorded as written).</summary>
    public MethodCatalog With(string name, Func<MethodSettings, ITrainingMethod> factory) =>
        new(entries.SetItem(name, new MethodEntry(factory,
            s => s.Sections.TryGetValue(name, out var section) ? JsonNode.Parse(section.GetRawText()) : null, null)));

    /// <summary>Whether <paramref name="name"/> is registered.</summary>
    public bool Contains(string name) => entries.ContainsKey(name);

    /// <summary>Creates the method <paramref name="name"/>, or throws <see cref="UsageException"/> naming the allowed values.</summary>
    public ITrainingMethod Create(string name, MethodSettings settings) => Entry(name).Create(settings);

    /// <summary>
    /// The options of method <paramref name="name"/> as the method will use them: its section bound to its
    /// options type with every default filled in, or, for a method registered without an options type, the
    /// section as written (null when there is none).
    /// </summary>
    public JsonNode? ResolvedOptions(string name, MethodSettings settings) => Entry(name).Resolve(settings);

    /// <summary>
    /// Binds and checks every method section of <paramref name="settings"/> and the options of <paramref name="method"/>
    /// (each method is created and disposed, so every check its constructor makes, such as loading a saved agent or
    /// a reward plug-in, runs now and not when the method's turn to train comes), and returns the settings with every
    /// section resolved (<see cref="ResolvedOptions"/>): what a run records in its config.json.
    /// </summary>
    /// <exception cref="UsageException">An unknown method, a section of an unknown method, an unknown key or a bad value.</exception>
    public MethodSettings Check(string method, MethodSettings settings)
    {
        Entry(method);
        foreach (var name in settings.Sections.Keys)
            if (!Contains(name))
                throw new UsageException($"Options are given for '{Echo.Of(name)}', which is not a method. Methods: {string.Join(", ", Names)}.");
        var resolved = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var name in settings.Sections.Keys.Append(method).Distinct())
        {
            using (Create(name, settings)) { }
            if (ResolvedOptions(name, settings) is { } node) resolved[name] = JsonSerializer.SerializeToElement(node);
        }
        return new MethodSettings(resolved);
    }

    /// <summary>Fingerprints of the files method <paramref name="name"/>'s options name (see <see cref="With{TOptions}"/>), or null.</summary>
    public JsonObject? Inputs(string name, MethodSettings settings) => Entry(name).Inputs?.Invoke(settings);

    MethodEntry Entry(string name) =>
        entries.TryGetValue(name, out var e)
            ? e
            : throw new UsageException($"Unknown method '{Echo.Of(name)}'. Allowed values: {string.Join(", ", Names)}.");

    sealed record MethodEntry(
        Func<MethodSettings, ITrainingMethod> Create,
        Func<MethodSettings, JsonNode?> Resolve,
        Func<MethodSettings, JsonObject?>? Inputs);
}

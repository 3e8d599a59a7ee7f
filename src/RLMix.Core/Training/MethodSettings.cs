using System.Text.Json;
using RLMix.Configuration;
using RLMix.Errors;

namespace RLMix.Training;

/// <summary>
/// The per-method option sections of a run's configuration (e.g. the "rmix" object of the config
/// file), keyed by method name. Each method binds its own section to its own options record.
/// </summary>
public sealed record MethodSettings(IReadOnlyDictionary<string, JsonElement> Sections)
{
    /// <summary>No method options: every method uses its defaults.</summary>
    public static MethodSettings Defaults { get; } = new(new Dictionary<string, JsonElement>());

    /// <summary>A copy whose section <paramref name="method"/> is <paramref name="section"/>.</summary>
    public MethodSettings With(string method, System.Text.Json.Nodes.JsonObject section) =>
        new(new Dictionary<string, JsonElement>(Sections, StringComparer.Ordinal) { [method] = JsonSerializer.SerializeToElement(section) });

    /// <summary>A copy with <paramref name="key"/> of the section <paramref name="method"/> set to <paramref name="value"/>.</summary>
    public MethodSettings With(string method, string key, System.Text.Json.Nodes.JsonNode value)
    {
        var section = Sections.TryGetValue(method, out var existing)
            ? System.Text.Json.Nodes.JsonNode.Parse(existing.GetRawText())!.AsObject()
            : new System.Text.Json.Nodes.JsonObject();
        section[key] = value;
        return With(method, section);
    }

    /// <summary>
    /// Binds the section <paramref name="method"/> to <typeparamref name="T"/> with snake_case keys,
    /// or returns <c>new T()</c> when there is none. An unknown key or a wrong type is a
    /// <see cref="UsageException"/> naming the section and the key.
    /// </summary>
    public T Get<T>(string method) where T : new()
    {
        if (!Sections.TryGetValue(method, out var section)) return new T();
        try
        {
            return section.Deserialize<T>(ConfigFile.JsonOptions) ?? new T();
        }
        catch (JsonException e)
        {
            var keys = ConfigFile.AllowedKeysAt(typeof(T), e.Path) ?? ConfigFile.KeysOf(typeof(T)).ToArray();
            throw new UsageException($"Options of method '{method}': {ConfigFile.Describe(e)} Allowed keys: {string.Join(", ", keys)}.");
        }
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using RLMix.Errors;
using RLMix.Training;

namespace RLMix.Configuration;

/// <summary>
/// Reads and writes <see cref="RunConfig"/> as JSON with snake_case keys. Unknown keys and wrong
/// types are errors that name the key. Top-level keys that are method names hold that method's options.
/// </summary>
/// <example>
/// <code>{ "method": "rmix", "epochs": 2, "data": { "dataset": "fashion-mnist-mini" }, "rmix": { "alpha": 1.0 } }</code>
/// </example>
public static class ConfigFile
{
    /// <summary>The JSON settings used for configs and method sections: snake_case, unknown members rejected.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        AllowDuplicateProperties = false,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Enums as kebab-case names ("loss": "soft-ce", "threshold": "hard"), as the docs write them.
        Converters = { new MethodSettingsConverter(), new KebabEnum.Converter() },
    };

    /// <summary>
    /// Loads a config file; <paramref name="methodNames"/> are the top-level keys treated as method sections;
    /// <paramref name="overrides"/> (<c>key.path=value</c>, <see cref="ConfigOverrides"/>) are applied before binding.
    /// </summary>
    public static RunConfig Load(string path, IEnumerable<string> methodNames, IReadOnlyList<string>? overrides = null)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read the config file '{Echo.Of(path)}': {e.Message}");
        }
        return Parse(ConfigOverrides.Apply(text, overrides ?? [], path), methodNames, overrides is { Count: > 0 } ? $"{path} with --set" : path);
    }

    /// <summary>Parses config JSON text; <paramref name="source"/> names it in error messages.</summary>
    public static RunConfig Parse(string json, IEnumerable<string> methodNames, string source = "config")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false }) as JsonObject
                ?? throw new UsageException($"{source}: the config must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UsageException(IsDuplicate(e) ? $"{source}: {Describe(e)}" : $"{source}: not valid JSON ({e.Message}).");
        }

        var names = methodNames.ToHashSet(StringComparer.Ordinal);
        var sections = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var key in root.Select(kv => kv.Key).ToArray())
        {
            if (!names.Contains(key)) continue;
            if (root[key] is not JsonObject) throw new UsageException($"{source}: '{key}' must be an object of {key}'s options.");
            sections[key] = JsonSerializer.SerializeToElement(root[key]);
            root.Remove(key);
        }

        RunConfig config;
        try
        {
            config = root.Deserialize<RunConfig>(JsonOptions) ?? new RunConfig();
        }
        catch (JsonException e)
        {
            string allowed = (e.Path ?? "$").Count(ch => ch == '.') > 1 && AllowedKeysAt(typeof(RunConfig), e.Path) is { } inner
                ? $"Allowed keys there: {string.Join(", ", inner)}."
                : $"Known top-level keys: {string.Join(", ", KnownKeys())}, and a section per method ({string.Join(", ", names.Order())}).";
            throw new UsageException($"{source}: {Describe(e)} {allowed}");
        }
        foreach (var (k, v) in config.Methods.Sections)
            if (!sections.TryAdd(k, v)) throw new UsageException($"{source}: options of '{k}' are given twice (top level and under 'methods').");
        return config with { Methods = new MethodSettings(sections) };
    }

    /// <summary>Serializes a config (with its method sections) as indented JSON.</summary>
    public static string Serialize(RunConfig config) => JsonSerializer.Serialize(config, JsonOptions);

    /// <summary>Turns a System.Text.Json error into a message naming the key.</summary>
    public static string Describe(JsonException e)
    {
        string path = Echo.Of(string.IsNullOrEmpty(e.Path) ? "" : e.Path.TrimStart('$', '.'));
        if (IsDuplicate(e))
        {
            // The reader names the key in its message ("Duplicate property 'k' ...") or in the path.
            var quoted = System.Text.RegularExpressions.Regex.Match(e.Message, "'([^']*)'");
            string key = quoted.Success ? Echo.Of(quoted.Groups[1].Value) : path;
            return $"duplicate key '{key}'{(path.Length > 0 && path != key ? $" (at '{path}')" : "")}: each key may appear once per object; remove one of them.";
        }
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal))
            return $"unknown key '{path}'.";
        return string.IsNullOrEmpty(path) ? $"{Echo.Of(e.Message, 300)}" : $"key '{path}' has the wrong type or value ({Echo.Of(FirstSentence(e.Message), 300)}).";
    }

    static bool IsDuplicate(JsonException e) => e.Message.StartsWith("Duplicate propert", StringComparison.Ordinal);

    static string FirstSentence(string s) => s.Split(". Path:")[0].TrimEnd('.');

    /// <summary>The top-level keys of a run config, besides the method sections.</summary>
    public static IEnumerable<string> KnownKeys() => KeysOf(typeof(RunConfig)).Where(k => k != "methods");

    /// <summary>
    /// The keys allowed in the object that holds the key at <paramref name="path"/> (a System.Text.Json path such as
    /// <c>$.data.datset</c> or <c>$.entries[1].nmae</c>), walking <paramref name="root"/>'s properties; null when the
    /// path leaves the typed part (e.g. inside a method section kept as raw JSON).
    /// </summary>
    public static IReadOnlyList<string>? AllowedKeysAt(Type root, string? path)
    {
        var segments = System.Text.RegularExpressions.Regex.Replace((path ?? "").TrimStart('$'), @"\[\d+\]", "").Split('.', StringSplitOptions.RemoveEmptyEntries);
        var type = root;
        foreach (var segment in segments.SkipLast(1))
        {
            var property = type.GetProperties().FirstOrDefault(p => KeyOf(p) == segment);
            if (property is null) return null;
            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (type.IsArray) type = type.GetElementType()!;
            if (!type.IsClass || type == typeof(string) || type.Namespace?.StartsWith("System", StringComparison.Ordinal) == true) return null;
        }
        return KeysOf(type).ToArray();
    }

    static string KeyOf(System.Reflection.PropertyInfo p) =>
        (p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).FirstOrDefault() as JsonPropertyNameAttribute)?.Name
        ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);

    /// <summary>The JSON keys of an options type: snake_case property names, or their <see cref="JsonPropertyNameAttribute"/>.</summary>
    public static IEnumerable<string> KeysOf(Type type) =>
        type.GetProperties().Where(p => p.CanWrite && p.GetCustomAttributes(typeof(JsonIgnoreAttribute), false).Length == 0).Select(p => KeyOf(p));

    /// <summary>Method sections are written under "methods" (also accepted on input, besides top-level sections).</summary>
    sealed class MethodSettingsConverter : JsonConverter<MethodSettings>
    {
        public override MethodSettings Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var dict = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(ref reader) ?? new();
            return new MethodSettings(dict);
        }

        public override void Write(Utf8JsonWriter writer, MethodSettings value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (k, v) in value.Sections.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(k);
                v.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
    }
}

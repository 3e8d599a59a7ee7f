using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using RLMix.Errors;
using RLMix.Training;

namespace RLMix.Configuration;

/// <summary>
/// What makes a run's numbers what they are: the resolved configuration minus the settings that do not
/// change them, with the method's options defaults filled in. Two runs with equal identities train the
/// same model on the same data the same way; a checkpoint, a finished run or a comparison cell is only
/// continued or reused under an equal identity. <see cref="Hash"/> is a short stable name for it.
/// </summary>
/// <remarks>
/// Settings are ordered method, the method's options (under the method's name, as in a config file), seed,
/// then every other key of <see cref="RunConfig"/>; only the chosen method's section counts. A key added to
/// <see cref="RunConfig"/> later counts by default; list it in <see cref="IgnoredKeys"/> only if it cannot
/// change a number.
/// </remarks>
public sealed class RunIdentity
{
    /// <summary>The file in a run directory that holds the identity of the run in it.</summary>
    public const string FileName = "identity.json";

    /// <summary>The checkpoint section that holds the identity of the run that wrote it.</summary>
    public const string SectionName = "identity";

    /// <summary>
    /// Top-level config keys left out: <c>methods</c> (only the chosen method's section counts, under its own name)
    /// and <c>on_non_finite</c> (it decides whether a run stops or goes on at a NaN loss; a skipped batch is counted in metrics.json).
    /// </summary>
    public static IReadOnlyList<string> IgnoredKeys { get; } = [Key(nameof(RunConfig.Methods)), Key(nameof(RunConfig.OnNonFinite))];

    static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    static readonly JsonSerializerOptions Indented = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true };

    RunIdentity(JsonObject settings)
    {
        Settings = settings;
        Canonical = Canonicalize(settings)!.ToJsonString(Compact);
        Hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical)));
    }

    /// <summary>The settings, in the order above (read only: the hash is computed once).</summary>
    public JsonObject Settings { get; }

    /// <summary>The settings as compact JSON with keys sorted at every level: what <see cref="Hash"/> hashes.</summary>
    public string Canonical { get; }

    /// <summary>SHA-256 of <see cref="Canonical"/>, lower-case hex.</summary>
    public string Hash { get; }

    /// <summary>The identity of the run <paramref name="config"/> describes, its method's options resolved by <paramref name="methods"/>.</summary>
    /// <exception cref="UsageException">The method's options section does not bind to its options (names the key).</exception>
    public static RunIdentity Of(RunConfig config, MethodCatalog methods)
    {
        var all = JsonSerializer.SerializeToNode(config, ConfigFile.JsonOptions)!.AsObject();
        var settings = new JsonObject
        {
            ["method"] = config.Method,
            [config.Method] = methods.ResolvedOptions(config.Method, config.Methods) ?? new JsonObject(),
            ["seed"] = config.Seed,
        };
        if (methods.Inputs(config.Method, config.Methods) is { } inputs) settings["inputs"] = inputs;
        foreach (var (key, value) in all.ToArray())
        {
            if (settings.ContainsKey(key) || IgnoredKeys.Contains(key)) continue;
            all.Remove(key);
            settings[key] = value;
        }
        return new RunIdentity(settings);
    }

    /// <summary>Parses identity settings written by <see cref="ToJson"/>; <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="DataException">Not a JSON object.</exception>
    public static RunIdentity Parse(string json, string source)
    {
        try
        {
            return new RunIdentity(JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not a JSON object"));
        }
        catch (JsonException e)
        {
            throw new DataException($"{source} does not hold a run configuration ({e.Message}); it is damaged. Delete the run directory (or pass --overwrite / --rerun-changed) to run it again.", e);
        }
    }

    /// <summary>
    /// The identity recorded in run directory <paramref name="directory"/>: its <see cref="FileName"/>, or, for runs
    /// written before identities were recorded, the one its config.json resolves to; null when it has neither.
    /// </summary>
    public static RunIdentity? Read(string directory, MethodCatalog methods)
    {
        var path = Path.Combine(directory, FileName);
        if (File.Exists(path)) return Parse(File.ReadAllText(path), path);
        var legacy = Path.Combine(directory, "config.json");
        if (!File.Exists(legacy)) return null;
        try
        {
            return Of(ConfigFile.Parse(File.ReadAllText(legacy), methods.Names, legacy), methods);
        }
        catch (UsageException e)
        {
            throw new DataException($"{legacy} cannot be read back ({e.Message}); delete the run directory (or pass --overwrite / --rerun-changed) to run it again.", e);
        }
    }

    /// <summary>Writes <see cref="FileName"/> into <paramref name="directory"/> (atomically).</summary>
    public void Write(string directory) => IO.AtomicFile.WriteAllText(Path.Combine(directory, FileName), ToJson());

    /// <summary>The settings as indented JSON (their hash is recomputed on <see cref="Parse"/>).</summary>
    public string ToJson() => Settings.ToJsonString(Indented);

    /// <summary>The settings as UTF-8 bytes, for a checkpoint section.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(Settings.ToJsonString(Compact));

    /// <summary>Whether <paramref name="other"/> describes a run with the same numbers.</summary>
    public bool SameAs(RunIdentity other) => Canonical == other.Canonical;

    /// <summary>
    /// The first setting (in this identity's order, then the ones only <paramref name="stored"/> has) whose value
    /// differs from <paramref name="stored"/>; null when they are the same.
    /// </summary>
    public IdentityDifference? FirstDifference(RunIdentity stored)
    {
        if (SameAs(stored)) return null;
        var mine = Flatten(Settings);
        var theirs = Flatten(stored.Settings);
        var theirsByKey = theirs.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach (var (key, value) in mine)
            if (!theirsByKey.TryGetValue(key, out var old) || old != value) return new IdentityDifference(key, old, value);
        var mineKeys = mine.Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, old) in theirs)
            if (!mineKeys.Contains(key)) return new IdentityDifference(key, old, null);
        // Same leaves, different canonical text (e.g. an empty object against none): name the top level.
        return new IdentityDifference("(configuration)", stored.Canonical, Canonical);
    }

    /// <summary>Leaves as dotted paths (arrays are leaves) with their compact JSON text, in document order.</summary>
    static List<KeyValuePair<string, string>> Flatten(JsonObject root)
    {
        var leaves = new List<KeyValuePair<string, string>>();
        void Walk(JsonNode? node, string path)
        {
            if (node is JsonObject o)
                foreach (var (k, v) in o) Walk(v, path.Length == 0 ? k : $"{path}.{k}");
            else
                leaves.Add(new(path, node?.ToJsonString(Compact) ?? "null"));
        }
        Walk(root, "");
        return leaves;
    }

    static string Key(string property) => JsonNamingPolicy.SnakeCaseLower.ConvertName(property);

    static JsonNode? Canonicalize(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => KeyValuePair.Create(kv.Key, Canonicalize(kv.Value)))),
        JsonArray a => new JsonArray(a.Select(Canonicalize).ToArray()),
        _ => node?.DeepClone(),
    };
}

/// <summary>A setting whose value differs between a stored run and the current configuration.</summary>
/// <param name="Setting">Dotted config key, e.g. <c>seed</c>, <c>trainer.max_lr</c>, <c>rmix.alpha</c>.</param>
/// <param name="Stored">The stored run's value as JSON, or null when it did not have the setting.</param>
/// <param name="Current">The current value as JSON, or null when the current configuration does not have it.</param>
public sealed record IdentityDifference(string Setting, string? Stored, string? Current)
{
    /// <summary>E.g. <c>seed: checkpoint has 0, this run 1</c>.</summary>
    public string Describe(string stored, string current) => $"{Setting}: {stored} {Show(Stored)}, {current} {Show(Current)}";

    static string Show(string? value)
    {
        if (value is null) return "(not set)";
        if (value.StartsWith('"')) value = JsonSerializer.Deserialize<string>(value) ?? value; // strings unquoted
        return value.Length <= 80 ? value : value[..77] + "...";
    }
}

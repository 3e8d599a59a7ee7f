using System.Text.Json;
using System.Text.Json.Nodes;
using RLMix.Errors;

namespace RLMix.Configuration;

/// <summary>
/// <c>--set key.path=value</c>: edits a config's JSON before it is bound, so an override is checked exactly like the
/// file (an unknown key or a wrong type names the key and lists the allowed ones). The value is read as JSON when it
/// parses (<c>3</c>, <c>0.1</c>, <c>true</c>, <c>[0, 1]</c>, <c>{"alpha": 1}</c>), otherwise as a string
/// (<c>data.dataset=synthetic</c>). Path segments are object keys, or an index into an array (<c>entries.1.options.alpha</c>);
/// missing objects on the way are created.
/// </summary>
public static class ConfigOverrides
{
    static readonly JsonDocumentOptions Document = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false };

    /// <summary>Applies <paramref name="sets"/> (each <c>key.path=value</c>) to <paramref name="json"/>; <paramref name="source"/> names the config in errors.</summary>
    /// <exception cref="UsageException">The config is not a JSON object, or a setting is malformed or its path runs through a value that is not an object or array.</exception>
    public static string Apply(string json, IReadOnlyList<string> sets, string source)
    {
        if (sets.Count == 0) return json;
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: Document) as JsonObject
                ?? throw new UsageException($"{source}: the config must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new UsageException($"{source}: not valid JSON ({e.Message}).");
        }
        foreach (var set in sets) Set(root, set);
        return root.ToJsonString();
    }

    static void Set(JsonObject root, string set)
    {
        int eq = set.IndexOf('=');
        string path = eq < 0 ? set : set[..eq];
        var keys = path.Split('.');
        if (eq <= 0 || keys.Any(k => k.Length == 0))
            throw new UsageException($"--set '{Echo.Of(set)}': write key.path=value, e.g. --set epochs=3 or --set rmix.alpha=0.5.");
        JsonNode? value;
        string text = set[(eq + 1)..];
        try { value = JsonNode.Parse(text, documentOptions: Document); }
        catch (JsonException) { value = JsonValue.Create(text); }

        JsonNode node = root;
        for (int i = 0; i < keys.Length; i++)
        {
            bool last = i == keys.Length - 1;
            string at = string.Join('.', keys.Take(i + 1));
            switch (node)
            {
                case JsonObject o:
                    if (last) { o[keys[i]] = value; return; }
                    node = o[keys[i]] ??= new JsonObject();
                    break;
                case JsonArray a when int.TryParse(keys[i], out int index) && index >= 0 && index < a.Count:
                    if (last) { a[index] = value; return; }
                    node = a[index] ?? throw new UsageException($"--set {Echo.Of(path)}: '{Echo.Of(at)}' is null.");
                    break;
                case JsonArray a:
                    throw new UsageException($"--set {Echo.Of(path)}: '{Echo.Of(string.Join('.', keys.Take(i)))}' is a list of {a.Count}; the next segment must be an index from 0 to {a.Count - 1}, not '{Echo.Of(keys[i])}'.");
                default:
                    throw new UsageException($"--set {Echo.Of(path)}: '{Echo.Of(string.Join('.', keys.Take(i)))}' is a value ({Echo.Of(node.ToJsonString())}), not an object with keys.");
            }
        }
    }
}

using System.Text.Json;

namespace RLMix.Training;

/// <summary>
/// The per-method option sections of a run's configuration (e.g. the "rmix" object of the config
/// file), keyed by method name. Each method binds its own section to its own options record.
/// </summary>
public sealed record MethodSettings(IReadOnlyDictionary<string, JsonElement> Sections)
{
    /// <summary>No method options: every method uses its defaults.</summary>
    public static MethodSettings Defaults { get; } = new(new Dictionary<string, JsonElement>());

    /// <summary>Binds the section <paramref name="method"/> to <typeparamref name="T"/> (unknown keys are an error), or returns defaults.</summary>
    public T Get<T>(string method) where T : new() => throw new NotImplementedException("STUB: filled by the CLI/config work");
}

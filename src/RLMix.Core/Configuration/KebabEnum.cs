using System.Text.Json;
using System.Text.Json.Serialization;
using RLMix.Errors;

namespace RLMix.Configuration;

/// <summary>
/// The one way enum settings are written in configs and on the command line: kebab-case member names
/// (<c>SoftCe</c> is <c>soft-ce</c>, <c>Onecycle</c> is <c>onecycle</c>). Unknown names are refused with the allowed ones.
/// </summary>
public static class KebabEnum
{
    /// <summary>The written name of <paramref name="value"/>.</summary>
    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    /// <summary>Every written name of <typeparamref name="T"/>, in declaration order.</summary>
    public static IReadOnlyList<string> Names<T>() where T : struct, Enum => Enum.GetValues<T>().Select(Name).ToArray();

    /// <summary>Reads <paramref name="text"/>; <paramref name="setting"/> names the option or key in the error.</summary>
    /// <exception cref="UsageException">Not one of <see cref="Names{T}"/>.</exception>
    public static T Parse<T>(string text, string setting) where T : struct, Enum =>
        TryParse<T>(text, out var value) ? value
            : throw new UsageException($"Unknown {setting} '{Echo.Of(text)}'. Allowed values: {string.Join(", ", Names<T>())}.");

    static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
            if (Name(v) == text) { value = v; return true; }
        value = default;
        return false;
    }

    /// <summary>The JSON converter of every enum in <see cref="ConfigFile.JsonOptions"/>.</summary>
    public sealed class Converter : JsonConverterFactory
    {
        /// <inheritdoc />
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        /// <inheritdoc />
        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Of<>).MakeGenericType(typeToConvert))!;

        sealed class Of<T> : JsonConverter<T> where T : struct, Enum
        {
            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                string? text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                if (text is not null && TryParse<T>(text, out var value)) return value;
                // The reader's message becomes "key 'K' has the wrong type or value (...)": it lists the allowed values.
                throw new JsonException($"'{Echo.Of(text ?? reader.TokenType.ToString())}' is not one of {string.Join(", ", Names<T>())}");
            }

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));
        }
    }
}

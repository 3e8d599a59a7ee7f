using System.Text.Json;
using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Experiments.Mix;

/// <summary>
/// The Tensor JSON of <c>rlmix mix</c>: <c>{ "shape": [..], "data": [flat row-major numbers] }</c>. Reading
/// validates the form and names the field in every error (<see cref="UsageException"/>).
/// </summary>
public static class TensorJson
{
    /// <summary>
    /// Reads the tensor <paramref name="element"/> (the value of field <paramref name="field"/>) as
    /// float32, or as int64 when <paramref name="integer"/> (then every value must be a whole number).
    /// </summary>
    public static Tensor Parse(JsonElement element, string field, bool integer = false)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Malformed(field, $"is a {element.ValueKind}");
        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Malformed(field, "has no \"shape\" array");
        if (!element.TryGetProperty("data", out var dataElement) || dataElement.ValueKind != JsonValueKind.Array)
            throw Malformed(field, "has no \"data\" array");
        var shape = new long[shapeElement.GetArrayLength()];
        int d = 0;
        foreach (var s in shapeElement.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.Number || !s.TryGetInt64(out shape[d]) || shape[d] < 0)
                throw Malformed(field, $"has a shape entry {Echo.Of(s.GetRawText())} that is not a non-negative integer");
            d++;
        }
        long count;
        try { count = shape.Aggregate(1L, (a, b) => checked(a * b)); }
        catch (OverflowException) { throw Malformed(field, $"has a shape [{string.Join(", ", shape)}] whose size overflows"); }
        if (dataElement.GetArrayLength() != count)
            throw Malformed(field, $"has {dataElement.GetArrayLength()} data values but its shape [{string.Join(", ", shape)}] needs {count}");
        if (integer)
        {
            var values = new long[count];
            int i = 0;
            foreach (var v in dataElement.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var x) || x != Math.Floor(x) || Math.Abs(x) > 1L << 53)
                    throw Malformed(field, $"has data value {Echo.Of(v.GetRawText())} at index {i}, but its values must be integers");
                values[i++] = (long)x;
            }
            return tensor(values, dtype: ScalarType.Int64).reshape(shape);
        }
        else
        {
            var values = new float[count];
            int i = 0;
            foreach (var v in dataElement.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var x) || !double.IsFinite((float)x))
                    throw Malformed(field, $"has data value {Echo.Of(v.GetRawText())} at index {i}, but its values must be finite float32 numbers");
                values[i++] = (float)x;
            }
            return tensor(values, dtype: ScalarType.Float32).reshape(shape);
        }
    }

    /// <summary>Writes <paramref name="value"/> as the Tensor JSON object of property <paramref name="field"/> (float32 or int64 values).</summary>
    public static void Write(Utf8JsonWriter writer, string field, Tensor value)
    {
        writer.WritePropertyName(field);
        Write(writer, value);
    }

    /// <summary>Writes <paramref name="value"/> as a Tensor JSON object (float32 or int64 values).</summary>
    public static void Write(Utf8JsonWriter writer, Tensor value)
    {
        using var scope = NewDisposeScope();
        var cpu = value.detach().cpu().contiguous();
        writer.WriteStartObject();
        writer.WriteStartArray("shape");
        foreach (var s in cpu.shape)
            writer.WriteNumberValue(s);
        writer.WriteEndArray();
        writer.WriteStartArray("data");
        if (cpu.dtype is ScalarType.Int64 or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.Byte or ScalarType.Bool)
            foreach (var v in cpu.to(ScalarType.Int64).data<long>())
                writer.WriteNumberValue(v);
        else
            foreach (var v in cpu.to(ScalarType.Float32).data<float>())
                writer.WriteNumberValue(v);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    static UsageException Malformed(string field, string problem) =>
        new($"Field '{field}' {problem}; a tensor must be {{ \"shape\": [..], \"data\": [flat row-major numbers] }}.");
}

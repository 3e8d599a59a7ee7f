using RLMix.Data;
using RLMix.Errors;
using RLMix.Models;
using RLMix.Training;

namespace RLMix.Configuration;

/// <summary>Checks a <see cref="RunConfig"/> at the boundary, with messages that name the option and the allowed values.</summary>
public static class ConfigValidation
{
    /// <summary>
    /// Throws <see cref="UsageException"/> for the first invalid setting, including every method section (each bound
    /// and its method created by <paramref name="methods"/>: see <see cref="MethodCatalog.Check"/>). Returns the
    /// config with every method section resolved (defaults filled in), as a run records it.
    /// </summary>
    public static RunConfig Validate(this RunConfig c, MethodCatalog methods)
    {
        OneOf("method", c.Method, methods.Names);
        c = c.ValidateSettings();
        return c with { Methods = methods.Check(c.Method, c.Methods) };
    }

    /// <summary>Like <see cref="Validate"/> for every setting but the method and its sections (used where the method is fixed, as in <c>rlmix agent</c>).</summary>
    public static RunConfig ValidateSettings(this RunConfig c)
    {
        OneOf("model", c.Model, ModelFactory.Names);
        OneOf("dataset", c.Data.Dataset, DatasetCatalog.Names);
        DeviceName.Check(c.Device);
        OneOf("memory_format", c.MemoryFormat, MemoryFormat.Names);
        Positive("epochs", c.Epochs);
        Positive("batch-size", c.Data.BatchSize);
        Limits.InRange("batch-size", c.Data.BatchSize, 1, Limits.MaxBatchSize);
        if (c.Data.LimitTrain is { } lt) Positive("limit-train", lt);
        if (c.Data.LimitTest is { } le) Positive("limit-test", le);
        if (c.Data.Dataset == SyntheticDataset.Name)
            foreach (var (name, n) in new[] { ("limit-train", c.Data.LimitTrain), ("limit-test", c.Data.LimitTest) })
                if (n is { } count) Limits.Elements($"--{name} {count} for the synthetic data set", count, SyntheticDataset.Channels, SyntheticDataset.Side, SyntheticDataset.Side);
        Limits.InRange("data.pad_to", c.Data.PadTo, 0, Limits.MaxImageSide, "0 or a side up to which smaller images are zero-padded");
        Limits.InRange("data.crop_padding", c.Data.CropPadding, 0, Limits.MaxImageSide);
        c.Eval.Validate();
        if (c.Trainer.MaxLr <= 0) throw new UsageException($"trainer.max_lr must be positive (got {c.Trainer.MaxLr}).");
        if (c.Trainer.PctStart is <= 0 or >= 1) throw new UsageException($"trainer.pct_start must be in (0, 1) (got {c.Trainer.PctStart}).");
        return c;
    }

    static void OneOf(string name, string value, IReadOnlyList<string> allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
            throw new UsageException($"Unknown {name} '{Echo.Of(value)}'. Allowed values: {string.Join(", ", allowed)}.");
    }

    static void Positive(string name, int value)
    {
        if (value <= 0) throw new UsageException($"--{name} must be a positive whole number (got {value}).");
    }
}

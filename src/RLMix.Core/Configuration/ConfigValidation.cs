using RLMix.Data;
using RLMix.Errors;
using RLMix.Models;
using RLMix.Training;

namespace RLMix.Configuration;

/// <summary>Checks a <see cref="RunConfig"/> at the boundary, with messages that name the option and the allowed values.</summary>
public static class ConfigValidation
{
    /// <summary>Throws <see cref="UsageException"/> for the first invalid setting.</summary>
    public static RunConfig Validate(this RunConfig c)
    {
        OneOf("method", c.Method, MethodRegistry.Names);
        OneOf("model", c.Model, ModelFactory.Names);
        OneOf("dataset", c.Data.Dataset, DatasetCatalog.Names);
        OneOf("device", c.Device, ["cpu", "cuda"]);
        OneOf("on-nonfinite", c.OnNonFinite, ["stop", "skip"]);
        OneOf("trainer.schedule", c.Trainer.Schedule, ["onecycle", "multistep"]);
        OneOf("trainer.loss", c.Trainer.Loss, ["soft-ce", "bce"]);
        Positive("epochs", c.Epochs);
        Positive("batch-size", c.Data.BatchSize);
        if (c.Data.LimitTrain is { } lt) Positive("limit-train", lt);
        if (c.Data.LimitTest is { } le) Positive("limit-test", le);
        Positive("pad-to", c.Data.PadTo);
        c.Eval.Validate();
        if (c.Data.CropPadding < 0) throw new UsageException($"data.crop_padding must be 0 or more (got {c.Data.CropPadding}).");
        if (c.Trainer.MaxLr <= 0) throw new UsageException($"trainer.max_lr must be positive (got {c.Trainer.MaxLr}).");
        if (c.Trainer.PctStart is <= 0 or >= 1) throw new UsageException($"trainer.pct_start must be in (0, 1) (got {c.Trainer.PctStart}).");
        if (c.Device == "cuda" && !TorchSharp.torch.cuda.is_available())
            throw new UsageException("--device cuda: no CUDA device is available. This build uses TorchSharp-cpu; build with -p:RLMixTorch=cuda on a machine with an NVIDIA GPU, or use --device cpu.");
        return c;
    }

    static void OneOf(string name, string value, IReadOnlyList<string> allowed)
    {
        if (!allowed.Contains(value, StringComparer.Ordinal))
            throw new UsageException($"Unknown {name} '{value}'. Allowed values: {string.Join(", ", allowed)}.");
    }

    static void Positive(string name, int value)
    {
        if (value <= 0) throw new UsageException($"--{name} must be a positive whole number (got {value}).");
    }
}

using RLMix.Data;
using RLMix.Mixing;
using RLMix.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Methods;

/// <summary>Plain training: one-hot targets, one trainer step per batch.</summary>
public sealed class VanillaMethod : ITrainingMethod
{
    /// <inheritdoc />
    public string Name => "vanilla";

    /// <inheritdoc />
    public IEnumerable<Parameter> ExtraParameters => [];

    /// <inheritdoc />
    public Tensor TrainStep(Trainer trainer, Batch batch, MethodStep step)
    {
        using var scope = NewDisposeScope();
        var result = trainer.Step(batch.Inputs, SoftTargets.OneHot(batch.Labels, step.NumClasses));
        return result.Loss.detach().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() { }
}

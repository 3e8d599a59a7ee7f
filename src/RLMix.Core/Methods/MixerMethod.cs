using RLMix.Data;
using RLMix.Mixing;
using RLMix.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Methods;

/// <summary>
/// Training with a mixer (mixup, cutmix, rmix): the clean saliency pass when the mixer needs it, the
/// mix, then one training step on the mixed inputs and soft targets.
/// </summary>
public sealed class MixerMethod : ITrainingMethod
{
    readonly Func<Tensor, Tensor, Tensor>? loss;

    /// <summary>Creates the method.</summary>
    /// <param name="mixer">The mixer applied to every batch.</param>
    /// <param name="loss">null for the trainer's configured loss, else soft-ce or bce computed here.</param>
    public MixerMethod(IMixer mixer, TrainingLoss? loss = null)
    {
        Mixer = mixer;
        this.loss = loss is { } l ? SoftTargetLoss.Of(l) : null;
    }

    /// <summary>The mixer.</summary>
    public IMixer Mixer { get; }

    /// <inheritdoc />
    public string Name => Mixer.Name;

    /// <inheritdoc />
    public IEnumerable<Parameter> ExtraParameters => [];

    /// <inheritdoc />
    public Tensor TrainStep(Trainer trainer, Batch batch, MethodStep step)
    {
        using var scope = NewDisposeScope();
        var saliency = Mixer.NeedsSaliency ? Saliency.Compute(trainer.Model, batch.Inputs, batch.Labels).Saliency : null;
        var mixed = Mixer.Mix(batch, new MixContext(step.NumClasses, step.Generator, saliency));
        return trainer.Step(mixed.Inputs, mixed.Targets, loss: loss).Loss.detach().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() { }
}

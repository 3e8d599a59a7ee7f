using RLMix.Data;
using RLMix.Mixing;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Envs.Mixup;

/// <summary>The real backend: a <see cref="Trainer"/>, <see cref="Saliency"/> and <see cref="RMix"/>.</summary>
/// <param name="trainer">The trainer whose classifier the env trains.</param>
/// <param name="loss">R-Mix's training loss (<see cref="RMixOptions.Loss"/>): null for the trainer's configured loss, soft-ce or bce.</param>
public sealed class TrainerMixupBackend(Trainer trainer, TrainingLoss? loss = null) : IMixupBackend
{
    readonly Func<Tensor, Tensor, Tensor>? lossFunction = loss is { } l ? SoftTargetLoss.Of(l) : null;

    /// <summary>The trainer whose classifier the env trains.</summary>
    public Trainer Trainer { get; } = trainer;

    /// <inheritdoc />
    public (Tensor Saliency, Tensor Logits) CleanPass(Batch batch) => Saliency.Compute(Trainer.Model, batch.Inputs, batch.Labels);

    /// <inheritdoc />
    public Tensor PoolAndNormalize(Tensor saliency, int grid) => Saliency.PoolAndNormalize(saliency, grid);

    /// <inheritdoc />
    public MixResult Mix(Tensor images, Tensor targets, Tensor saliency, Tensor q, double lambda, Tensor permutation, int p) =>
        RMix.Mix(images, targets, saliency, q, lambda, permutation, p);

    /// <inheritdoc />
    public StepResult TrainStep(Tensor inputs, Tensor targets) => Trainer.Step(inputs, targets, inputGradient: true, loss: lossFunction);

    /// <inheritdoc />
    public Tensor SaliencyFromGradient(Tensor gradient) => Saliency.FromInputGradient(gradient);
}

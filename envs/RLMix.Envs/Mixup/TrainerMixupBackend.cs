using RLMix.Data;
using RLMix.Mixing;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Envs.Mixup;

/// <summary>The real backend: a <see cref="Trainer"/>, <see cref="Saliency"/> and <see cref="RMix"/>.</summary>
public sealed class TrainerMixupBackend(Trainer trainer) : IMixupBackend
{
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
    public StepResult TrainStep(Tensor inputs, Tensor targets) => Trainer.Step(inputs, targets, inputGradient: true);

    /// <inheritdoc />
    public Tensor SaliencyFromGradient(Tensor gradient) => Saliency.FromInputGradient(gradient);
}

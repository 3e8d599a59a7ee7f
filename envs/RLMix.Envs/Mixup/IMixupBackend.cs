using RLMix.Data;
using RLMix.Mixing;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Envs.Mixup;

/// <summary>
/// The classifier-side operations MixupEnv drives: one seam, so the env's episode logic can be
/// tested with a fake. <see cref="TrainerMixupBackend"/> is the real one (Trainer, Saliency, RMix).
/// Returned tensors belong to the caller's dispose scope.
/// </summary>
public interface IMixupBackend
{
    /// <summary>The clean forward/backward pass: phi(x) <c>[B, H, W]</c> and logits <c>[B, N]</c>, detached.</summary>
    (Tensor Saliency, Tensor Logits) CleanPass(Batch batch);

    /// <summary>phi pooled to grid x grid and normalized to sum 1 per image (equation 3): <c>[B, grid, grid]</c>.</summary>
    Tensor PoolAndNormalize(Tensor saliency, int grid);

    /// <summary>R-Mix (equations 4-7) with explicit per-image <paramref name="q"/>, lambda, permutation and patches per side <paramref name="p"/>.</summary>
    MixResult Mix(Tensor images, Tensor targets, Tensor saliency, Tensor q, double lambda, Tensor permutation, int p);

    /// <summary>One training step on the mixed batch that also returns the input gradient (phi(x') comes from it).</summary>
    StepResult TrainStep(Tensor inputs, Tensor targets);

    /// <summary>phi from an input gradient <c>[B, C, H, W]</c>: <c>[B, H, W]</c> (equation 2).</summary>
    Tensor SaliencyFromGradient(Tensor gradient);
}

using static TorchSharp.torch;

namespace RLMix.Training;

/// <summary>What one training step produced. Tensors are detached and belong to the caller's dispose scope.</summary>
/// <param name="Loss">Scalar training loss.</param>
/// <param name="Logits">Logits of the trained batch <c>[B, K]</c>.</param>
/// <param name="InputGradient">d loss / d inputs <c>[B, C, H, W]</c> when requested (RL-Mix's phi(x')), else null.</param>
public sealed record StepResult(Tensor Loss, Tensor Logits, Tensor? InputGradient);

using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>One minibatch, on the training device.</summary>
/// <param name="Inputs">float32 <c>[B, C, H, W]</c>, normalized (what the model sees).</param>
/// <param name="Labels">int64 <c>[B]</c> class indices.</param>
public sealed record Batch(Tensor Inputs, Tensor Labels);

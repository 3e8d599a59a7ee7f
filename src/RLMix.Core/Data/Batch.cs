using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>
/// One minibatch, on the training device. The consumer owns both tensors: dispose the batch
/// (<c>using (batch) { ... }</c>) or let a dispose scope that is open while the batch is produced take them.
/// </summary>
/// <param name="Inputs">float32 <c>[B, C, H, W]</c>, normalized (what the model sees).</param>
/// <param name="Labels">int64 <c>[B]</c> class indices.</param>
public sealed record Batch(Tensor Inputs, Tensor Labels) : IDisposable
{
    /// <summary>Disposes <see cref="Inputs"/> and <see cref="Labels"/>.</summary>
    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}

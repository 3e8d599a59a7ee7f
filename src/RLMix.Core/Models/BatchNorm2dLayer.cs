using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Models;

/// <summary>
/// 2-D batch normalization with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, running
/// statistics), computing what <c>nn.BatchNorm2d</c> computes and saving the same state names
/// (<c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>, <c>num_batches_tracked</c>).
/// </summary>
/// <remarks>
/// Why not TorchSharp's module: its forward increments <c>num_batches_tracked</c> with temporary
/// <see cref="Scalar"/>s that nothing keeps alive during the native call, so a garbage collection at
/// that moment can finalize them mid-call. A full Fashion-MNIST Co-Mixup run failed that way
/// ("For integral input tensors, argument alpha must not be a floating point number") and did not
/// fail when resumed from the same checkpoint. Here the scalar is owned and disposed after the call.
/// </remarks>
public sealed class BatchNorm2dLayer : nn.Module<Tensor, Tensor>
{
    const double Eps = 1e-5;
    const double Momentum = 0.1;

    // Field names are the state-dict names of nn.BatchNorm2d, so checkpoints stay compatible.
    readonly Parameter weight;
    readonly Parameter bias;
    readonly Tensor running_mean;
    readonly Tensor running_var;
    readonly Tensor num_batches_tracked;

    /// <summary>Creates the layer for <paramref name="features"/> channels.</summary>
    public BatchNorm2dLayer(long features) : base(nameof(BatchNorm2dLayer))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        weight = nn.Parameter(ones(features));
        bias = nn.Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        num_batches_tracked = tensor(0L);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4)
            throw new ArgumentException($"BatchNorm2d expects [B, C, H, W]; got [{string.Join(", ", input.shape)}].", nameof(input));
        if (training)
        {
            using var one = 1L.ToScalar();
            num_batches_tracked.add_(one, one);
        }
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, Momentum, Eps);
    }
}

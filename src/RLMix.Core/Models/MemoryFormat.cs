using static TorchSharp.torch;

namespace RLMix.Models;

/// <summary>
/// The memory layout a model's 4-D activations are computed in: <c>channels_last</c> (NHWC in memory,
/// same NCHW shape) or <c>contiguous</c> (NCHW). Values are the same up to the last bits (the
/// convolutions sum in another order); the speed is not (see README, Speed).
/// </summary>
/// <remarks>
/// Only the model's input is converted: libtorch's oneDNN convolution follows its input's layout, and
/// BatchNorm, ReLU, pooling and the residual additions keep it, so every activation after it is
/// channels-last. The weights stay contiguous (TorchSharp 0.107 saves only contiguous tensors, and it
/// has no <c>Module.to(memory_format)</c>), and so do their gradients and SGD's momentum buffers.
/// </remarks>
public static class MemoryFormat
{
    /// <summary>NHWC in memory. Measured faster on CPU for the small CNN and PreActResNet-18 (README, Speed).</summary>
    public const string ChannelsLast = "channels_last";

    /// <summary>NCHW in memory, PyTorch's default.</summary>
    public const string Contiguous = "contiguous";

    /// <summary>The accepted names. The default is <see cref="ChannelsLast"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [ChannelsLast, Contiguous];

    /// <summary>
    /// <paramref name="x"/> <c>[B, C, H, W]</c> with channels-last strides: a copy (gradients flow back through
    /// it), or an alias when it already has them.
    /// </summary>
    /// <remarks>
    /// TorchSharp 0.107 has no <c>contiguous(memory_format)</c>. Permuting to NHWC, making that contiguous and
    /// permuting back would do nothing for one channel (NCHW and NHWC are then the same memory, and libtorch
    /// reads the unchanged strides as NCHW), so the copy goes into an explicitly strided tensor instead.
    /// </remarks>
    public static Tensor ToChannelsLast(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"Channels-last needs [B, C, H, W]; got [{string.Join(", ", x.shape)}].", nameof(x));
        if (IsChannelsLast(x)) return x.alias();
        long c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var y = empty_strided(x.shape, [c * h * w, 1, w * c, c], x.dtype, x.device);
        return y.copy_(x);
    }

    /// <summary>Whether <paramref name="x"/> <c>[B, C, H, W]</c> has dense channels-last strides (the channel is the innermost dimension).</summary>
    public static bool IsChannelsLast(Tensor x)
    {
        if (x.dim() != 4) return false;
        long[] size = x.shape, stride = x.stride();
        return stride[1] == 1 && stride[3] == size[1] && stride[2] == size[1] * size[3] && stride[0] == size[1] * size[2] * size[3];
    }
}

using RLMix.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Networks;

/// <summary>
/// SB3's orthogonal initialization (<c>ActorCriticPolicy.init_weights</c>): weights orthogonal with a
/// gain, biases zero; drawn from an explicit seeded generator (torch's own <c>orthogonal_</c> uses the
/// global one).
/// </summary>
public static class OrthogonalInit
{
    /// <summary>Initializes every Linear and Conv2d inside <paramref name="module"/> with <paramref name="gain"/>.</summary>
    public static void Apply(nn.Module module, double gain, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (weight, bias) in DefaultInit.WeightLayers(module))
        {
            weight.copy_(Orthogonal(weight.shape, gain, generator));
            bias?.zero_();
        }
    }

    /// <summary>A (semi-)orthogonal matrix of shape <c>[rows, prod(rest)]</c>, reshaped, times <paramref name="gain"/> (as torch.nn.init.orthogonal_).</summary>
    public static Tensor Orthogonal(long[] shape, double gain, Generator generator)
    {
        using var scope = NewDisposeScope();
        var rows = shape[0];
        var cols = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var flat = randn([rows, cols], generator: generator);
        if (rows < cols) flat = flat.t();
        var (q, r) = linalg.qr(flat);
        q = q * r.diagonal().sign();
        if (rows < cols) q = q.t();
        return (q.reshape(shape) * gain).MoveToOuterDisposeScope();
    }
}

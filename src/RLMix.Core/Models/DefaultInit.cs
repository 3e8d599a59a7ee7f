using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Models;

/// <summary>
/// PyTorch's default initialization of <c>nn.Linear</c> and <c>nn.Conv2d</c> (<c>reset_parameters</c>:
/// <c>kaiming_uniform_(a=sqrt(5))</c> for the weight, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same
/// bound for the bias), drawn from an explicit generator.
/// </summary>
/// <remarks>
/// Why: TorchSharp's constructors draw from torch's process-wide generator, which any other code in
/// the process (a parallel test, a user's own code) can seed or advance between a <c>manual_seed</c>
/// and the model's construction. Re-drawing every weight from a generator the run owns makes the
/// initialization a function of the run's seed alone.
/// </remarks>
public static class DefaultInit
{
    /// <summary>
    /// Re-initializes every Linear and Conv2d inside <paramref name="module"/> (in <c>named_modules</c>
    /// order: weight, then bias) from <paramref name="generator"/> (a CPU generator; the module must be on the CPU).
    /// Other layers keep their constructor's deterministic values (BatchNorm: weight 1, bias 0).
    /// </summary>
    public static void Apply(nn.Module module, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (weight, bias) in WeightLayers(module))
        {
            double bound = 1.0 / Math.Sqrt(FanIn(weight.shape));
            weight.copy_(Uniform(weight.shape, bound, generator));
            bias?.copy_(Uniform(bias.shape, bound, generator));
        }
    }

    /// <summary>The weight and bias of every Linear and Conv2d in <paramref name="module"/> (itself included), in <c>named_modules</c> order.</summary>
    public static IEnumerable<(Parameter Weight, Parameter? Bias)> WeightLayers(nn.Module module)
    {
        foreach (var (_, m) in module.named_modules().Prepend(("", module)))
        {
            if (m is Linear l) yield return (l.weight!, l.bias);
            else if (m is Conv2d c) yield return (c.weight!, c.bias);
        }
    }

    /// <summary>Inputs feeding one output unit: <c>shape[1] * prod(shape[2..])</c> (in-features, or in-channels/groups times the kernel area).</summary>
    public static long FanIn(long[] weightShape) => weightShape.Skip(1).Aggregate(1L, (a, b) => a * b);

    static Tensor Uniform(long[] shape, double bound, Generator generator) =>
        rand(shape, generator: generator).mul_(2 * bound).sub_(bound);
}

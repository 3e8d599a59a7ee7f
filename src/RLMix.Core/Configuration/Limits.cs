using RLMix.Errors;

namespace RLMix.Configuration;

/// <summary>
/// Upper bounds on the sizes a user can ask for (config, options, <c>rlmix mix</c> input, agent
/// files), checked before anything is allocated: a typo such as <c>num_classes</c> 1e9 or
/// <c>pad_to</c> 100000 is an error naming the value, not a request for terabytes. Each bound is
/// far above any real use on the hardware RLMix targets.
/// </summary>
public static class Limits
{
    /// <summary>Classes of a classification problem (ImageNet-21k has 21,841). The default value is 100,000.</summary>
    public const int MaxClasses = 100_000;

    /// <summary>Height or width of an image in pixels, including padding. The default value is 4,096.</summary>
    public const int MaxImageSide = 4096;

    /// <summary>Images per batch. The default value is 65,536.</summary>
    public const int MaxBatchSize = 65_536;

    /// <summary>Elements of one tensor built from user sizes (a batch, a target matrix, a rollout buffer, a layer's weights): 2^28, 1 GiB of float32.</summary>
    public const long MaxTensorElements = 1L << 28;

    /// <summary>Throws <see cref="UsageException"/> unless <paramref name="min"/> &lt;= <paramref name="value"/> &lt;= <paramref name="max"/>; the message names <paramref name="name"/> and the value.</summary>
    public static long InRange(string name, long value, long min, long max, string? why = null)
    {
        if (value < min || value > max)
            throw new UsageException($"{name} = {value} is outside the allowed range [{min:N0}, {max:N0}]{(why is null ? "" : $" ({why})")}.");
        return value;
    }

    /// <summary>
    /// Throws <see cref="UsageException"/> when a tensor of <paramref name="shape"/> would have more than
    /// <see cref="MaxTensorElements"/> elements (or a negative size); <paramref name="what"/> says which
    /// tensor and which settings make it that large.
    /// </summary>
    public static void Elements(string what, params long[] shape)
    {
        double count = 1;
        foreach (var s in shape)
        {
            if (s < 0) throw new UsageException($"{what}: negative size {s} in [{string.Join(", ", shape)}].");
            count *= s;
        }
        if (count > MaxTensorElements)
            throw new UsageException($"{what}: a tensor of shape [{string.Join(", ", shape)}] would have {count:G3} elements, more than the limit of {MaxTensorElements:N0} (1 GiB of float32). Lower the sizes.");
    }
}

using RLMix.Data;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Mixing.CoMixup;

/// <summary>
/// Co-Mixup (Kim et al., ICLR 2021) as an <see cref="IMixer"/>: the batch is split into partitions,
/// each solved by Algorithm 1 on a CPU thread from the pooled saliency, then mixed on the batch's
/// device. One 64-bit draw of <see cref="MixContext.Generator"/> seeds every partition.
/// </summary>
public sealed class CoMixupMixer : IMixer
{
    /// <summary>Creates the mixer.</summary>
    public CoMixupMixer(CoMixupOptions? options = null)
    {
        Options = options ?? new CoMixupOptions();
        Options.Validate();
    }

    /// <summary>The settings in use.</summary>
    public CoMixupOptions Options { get; }

    /// <summary>The labeling of the last mixed batch (for inspection).</summary>
    public CoMixupAssignment? LastAssignment { get; private set; }

    /// <inheritdoc />
    public string Name => "comixup";

    /// <inheritdoc />
    public bool NeedsSaliency => true;

    /// <inheritdoc />
    public MixResult Mix(Batch batch, MixContext context)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(context);
        var saliency = context.Saliency ?? throw new UsageException("comixup needs the saliency of the batch (MixContext.Saliency), computed before mixing.");
        long seed;
        using (var draw = randint(long.MaxValue, [1], dtype: ScalarType.Int64, generator: context.Generator))
            seed = draw.item<long>();
        var z = CoMixup.Solve(saliency, Options, seed);
        LastAssignment = z;
        using var scope = NewDisposeScope();
        var targets = nn.functional.one_hot(batch.Labels, context.NumClasses).to(batch.Inputs.dtype);
        var result = CoMixup.Mix(batch.Inputs, targets, z);
        return new MixResult(result.Inputs.MoveToOuterDisposeScope(), result.Targets.MoveToOuterDisposeScope());
    }
}

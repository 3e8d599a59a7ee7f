using RLMix.Envs.Spaces;
using static TorchSharp.torch;

namespace RLMix.Envs.Mixup;

/// <summary>
/// The layout of RL-Mix's observation, defined once: per image, the saliency average-pooled to a
/// <see cref="Grid"/> x <see cref="Grid"/> grid and normalized to sum 1, then the <see cref="NumClasses"/>
/// clean logits. MixupEnv's flat row is the grid flattened then the logits (<see cref="FlatSpace"/>);
/// the official Dict form keeps them apart (<see cref="DictSpace"/>).
/// </summary>
/// <param name="Grid">G, side of the pooled saliency grid (the official <c>num_patches</c>; <see cref="MixupEnvOptions.ObservationGrid"/>).</param>
/// <param name="NumClasses">N, the classifier's number of classes.</param>
public sealed record ObservationLayout(int Grid, int NumClasses)
{
    /// <summary>G*G, saliency cells per image.</summary>
    public int Cells => Grid * Grid;

    /// <summary>G*G + N, values per image in the flat observation.</summary>
    public int Features => Cells + NumClasses;

    /// <summary>The flat observation space <c>Box [B, G*G + N]</c>: saliency cells in [0, 1], logits unbounded.</summary>
    public Box FlatSpace(int batchSize)
    {
        using var scope = NewDisposeScope();
        var low = cat([zeros(batchSize, Cells), full(batchSize, NumClasses, float.NegativeInfinity)], 1);
        var high = cat([ones(batchSize, Cells), full(batchSize, NumClasses, float.PositiveInfinity)], 1);
        return new Box(low, high);
    }

    /// <summary>The official Dict observation space <c>{saliency: Box(0, 1, (B, G, G)), logits: Box(-inf, inf, (B, N))}</c>.</summary>
    public DictSpace DictSpace(int batchSize) => new(new Dictionary<string, Space<Tensor>>
    {
        [DictObservationEnv.SaliencyKey] = new Box(0f, 1f, batchSize, Grid, Grid),
        [DictObservationEnv.LogitsKey] = new Box(float.NegativeInfinity, float.PositiveInfinity, batchSize, NumClasses),
    });
}

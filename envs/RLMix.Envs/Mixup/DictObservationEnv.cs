using RLMix.Envs.Spaces;
using static TorchSharp.torch;

namespace RLMix.Envs.Mixup;

/// <summary>
/// Presents MixupEnv's flat observation <c>[B, G*G + N]</c> as the official RL-Mix Dict observation
/// <c>{saliency: Box(0, 1, (B, G, G)), logits: Box(-inf, inf, (B, N))}</c> (views, no copies).
/// Actions, rewards and episode ends pass through unchanged.
/// </summary>
public sealed class DictObservationEnv : IEnv<IReadOnlyDictionary<string, Tensor>, Tensor>
{
    /// <summary>Key of the pooled, normalized saliency grids.</summary>
    public const string SaliencyKey = "saliency";

    /// <summary>Key of the clean logits.</summary>
    public const string LogitsKey = "logits";

    readonly IEnv<Tensor, Tensor> inner;
    readonly int grid;
    readonly int batchSize;
    readonly int numClasses;
    readonly DictSpace observationSpace;
    readonly List<Tensor> views = [];

    /// <summary>Wraps <paramref name="env"/>, whose observation rows hold <paramref name="grid"/>² saliency cells followed by the logits.</summary>
    public DictObservationEnv(IEnv<Tensor, Tensor> env, int grid = 8)
    {
        inner = env;
        this.grid = grid;
        var shape = env.ObservationSpace.Shape;
        if (shape.Count != 2 || shape[1] <= grid * grid)
            throw new ArgumentException($"DictObservationEnv needs a [B, {grid * grid} + N] observation; the env's space is {env.ObservationSpace}.", nameof(env));
        batchSize = (int)shape[0];
        numClasses = (int)shape[1] - grid * grid;
        observationSpace = new DictSpace(new Dictionary<string, Space<Tensor>>
        {
            [SaliencyKey] = new Box(0f, 1f, batchSize, grid, grid),
            [LogitsKey] = new Box(float.NegativeInfinity, float.PositiveInfinity, batchSize, numClasses),
        });
    }

    /// <inheritdoc />
    public Space<IReadOnlyDictionary<string, Tensor>> ObservationSpace => observationSpace;

    /// <inheritdoc />
    public Space<Tensor> ActionSpace => inner.ActionSpace;

    /// <inheritdoc />
    public ResetOutcome<IReadOnlyDictionary<string, Tensor>> Reset(int? seed = null)
    {
        var outcome = inner.Reset(seed);
        return new(Split(outcome.Observation), outcome.Info);
    }

    /// <inheritdoc />
    public StepOutcome<IReadOnlyDictionary<string, Tensor>> Step(Tensor action)
    {
        var outcome = inner.Step(action);
        return new(Split(outcome.Observation), outcome.Reward, outcome.Terminated, outcome.Truncated, outcome.Info);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DisposeViews();
        inner.Dispose();
    }

    IReadOnlyDictionary<string, Tensor> Split(Tensor flat)
    {
        DisposeViews();
        var cells = grid * grid;
        var saliency = flat.narrow(1, 0, cells).reshape(batchSize, grid, grid).DetachFromDisposeScope();
        var logits = flat.narrow(1, cells, numClasses).DetachFromDisposeScope();
        views.Add(saliency);
        views.Add(logits);
        return new Dictionary<string, Tensor> { [SaliencyKey] = saliency, [LogitsKey] = logits };
    }

    void DisposeViews()
    {
        foreach (var v in views) v.Dispose();
        views.Clear();
    }
}

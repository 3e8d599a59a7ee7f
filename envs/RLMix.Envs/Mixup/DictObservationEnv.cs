using RLMix.Envs.Spaces;
using static TorchSharp.torch;

namespace RLMix.Envs.Mixup;

/// <summary>
/// Presents MixupEnv's flat observation <c>[B, G*G + N]</c> as the official RL-Mix Dict observation
/// <c>{saliency: Box(0, 1, (B, G, G)), logits: Box(-inf, inf, (B, N))}</c> (views, no copies).
/// Actions, rewards and episode ends pass through unchanged.
/// </summary>
public sealed class DictObservationEnv : IEnv<IReadOnlyDictionary<string, Tensor>, Tensor>, IObservationLayoutEnv
{
    /// <summary>Key of the pooled, normalized saliency grids.</summary>
    public const string SaliencyKey = "saliency";

    /// <summary>Key of the clean logits.</summary>
    public const string LogitsKey = "logits";

    readonly IEnv<Tensor, Tensor> inner;
    readonly int batchSize;
    readonly DictSpace observationSpace;
    readonly List<Tensor> views = [];

    /// <summary>Wraps <paramref name="env"/>, whose observation rows are laid out as <paramref name="layout"/> says.</summary>
    public DictObservationEnv(IEnv<Tensor, Tensor> env, ObservationLayout layout)
    {
        inner = env;
        Layout = layout;
        var shape = env.ObservationSpace.Shape;
        if (shape.Count != 2 || shape[1] != layout.Features)
            throw new ArgumentException($"DictObservationEnv needs a [B, {layout.Cells} + {layout.NumClasses}] observation; the env's space is {env.ObservationSpace}.", nameof(env));
        batchSize = (int)shape[0];
        observationSpace = layout.DictSpace(batchSize);
    }

    /// <summary>Wraps MixupEnv <paramref name="env"/>.</summary>
    public DictObservationEnv(MixupEnv env) : this(env, env.Layout)
    {
    }

    /// <inheritdoc />
    public ObservationLayout Layout { get; }

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
        var saliency = flat.narrow(1, 0, Layout.Cells).reshape(batchSize, Layout.Grid, Layout.Grid).DetachFromDisposeScope();
        var logits = flat.narrow(1, Layout.Cells, Layout.NumClasses).DetachFromDisposeScope();
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

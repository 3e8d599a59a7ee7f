using RLMix.Envs.Mixup;
using RLMix.Envs.Spaces;
using RLMix.Errors;

namespace RLMix.Agents.Learning;

/// <summary>
/// The observation and action layout an agent was built for, saved with it and checked against
/// any env it is used in. Supported: observation <c>Box [B, F]</c> (flat per-image rows, kind
/// <c>flat</c>) or <c>Dict {saliency: Box [B, G, G], logits: Box [B, N]}</c> (kind <c>dict</c>), with
/// action <c>MultiDiscrete([K] * B)</c>.
/// </summary>
/// <param name="ObservationKind"><c>flat</c> or <c>dict</c>.</param>
/// <param name="BatchSize">B, images (rows) per observation.</param>
/// <param name="Features">F, values per image row (G*G + N for a dict observation).</param>
/// <param name="Grid">G: the saliency grid (for a flat observation, the env's <see cref="ObservationLayout.Grid"/>; 0 for an env without one).</param>
/// <param name="ActionChoices">K, choices per image.</param>
public sealed record AgentSpec(string ObservationKind, int BatchSize, int Features, int Grid, int ActionChoices)
{
    /// <summary>Key under which a flat observation is stored.</summary>
    public const string FlatKey = "obs";

    /// <summary>The spec for MixupEnv's <paramref name="layout"/> with <paramref name="batchSize"/> images and <paramref name="actionChoices"/> top-k values.</summary>
    /// <param name="kind"><c>flat</c> or <c>dict</c>.</param>
    public static AgentSpec For(ObservationLayout layout, string kind, int batchSize, int actionChoices) =>
        new(kind, batchSize, layout.Features, layout.Grid, actionChoices);

    /// <summary>Derives the spec from an env's spaces, or throws <see cref="UsageException"/> naming what is unsupported.</summary>
    /// <param name="layout">The env's observation layout (<see cref="IObservationLayoutEnv"/>), null for an env without a saliency grid.</param>
    public static AgentSpec FromSpaces(ISpace observationSpace, ISpace actionSpace, ObservationLayout? layout)
    {
        if (actionSpace is not MultiDiscrete md || md.Nvec.Distinct().Count() != 1)
            throw new UsageException($"The agent needs a MultiDiscrete([K] * B) action space with the same K for every image; the env has {actionSpace}.");
        var k = (int)md.Nvec[0];
        var b = md.Nvec.Count;
        switch (observationSpace)
        {
            case Box box when box.Shape.Count == 2 && box.Shape[0] == b:
                var f = (int)box.Shape[1];
                if (layout is not null && f != layout.Features)
                    throw new UsageException($"The env's observation rows have {f} values, but its layout says {layout.Cells} saliency cells + {layout.NumClasses} classes.");
                return new AgentSpec("flat", b, f, layout?.Grid ?? 0, k);
            case DictSpace dict when dict.Spaces.Count == 2
                                     && dict.Spaces.TryGetValue("saliency", out var s) && s is Box { Shape.Count: 3 } sal && sal.Shape[0] == b && sal.Shape[1] == sal.Shape[2]
                                     && dict.Spaces.TryGetValue("logits", out var l) && l is Box { Shape.Count: 2 } logits && logits.Shape[0] == b:
                var g = (int)sal.Shape[1];
                return new AgentSpec("dict", b, g * g + (int)logits.Shape[1], g, k);
            default:
                throw new UsageException($"The agent needs an observation Box [B, F] or Dict {{saliency: Box [B, G, G], logits: Box [B, N]}} with B = {b} (the action's length); the env has {observationSpace}.");
        }
    }

    /// <summary>Shapes of one observation per storage key.</summary>
    public IReadOnlyDictionary<string, long[]> ObservationShapes => ObservationKind == "flat"
        ? new Dictionary<string, long[]> { [FlatKey] = [BatchSize, Features] }
        : new Dictionary<string, long[]> { ["saliency"] = [BatchSize, Grid, Grid], ["logits"] = [BatchSize, Features - Grid * Grid] };

    /// <summary>
    /// Throws <see cref="UsageException"/> unless an agent with this spec can act in an env with spec
    /// <paramref name="env"/>. A network that works for any batch size (<paramref name="anyBatchSize"/>)
    /// accepts a different B.
    /// </summary>
    public void EnsureFits(AgentSpec env, bool anyBatchSize, string agentName)
    {
        var problems = new List<string>();
        if (ObservationKind != env.ObservationKind) problems.Add($"observation kind {ObservationKind} vs the env's {env.ObservationKind}");
        if (Features != env.Features) problems.Add($"{Features} features per image vs the env's {env.Features} (saliency cells + classes)");
        if (Grid != env.Grid) problems.Add($"saliency grid {Grid} vs the env's {env.Grid}");
        if (ActionChoices != env.ActionChoices) problems.Add($"{ActionChoices} action choices per image vs the env's {env.ActionChoices}");
        if (!anyBatchSize && BatchSize != env.BatchSize) problems.Add($"batch size {BatchSize} vs the env's {env.BatchSize} (this network is built for a fixed batch size)");
        if (problems.Count > 0)
            throw new UsageException($"Agent {agentName} does not fit this environment: {string.Join("; ", problems)}. Train an agent for this data set and batch size, or use matching --batch-size and data options.");
    }
}

using System.Globalization;
using RLMix.Agents.Learning;
using RLMix.Envs.Mixup;
using RLMix.Envs.Spaces;
using RLMix.Errors;

namespace RLMix.Agents.Policies;

/// <summary>
/// Creates a policy from its command-line form: <c>random</c>, <c>fixed:Q</c> or <c>learned:DIR</c>.
/// The only place these forms are parsed (by <c>rlmix agent eval</c>, <c>rlmix train --method rlmix</c> and
/// comparisons), so that every path accepts and refuses the same policies.
/// </summary>
public static class PolicyFactory
{
    /// <summary>Checks the form of <paramref name="spec"/> without loading anything (a learned agent's directory is not opened); <paramref name="k"/> is the number of top-k values.</summary>
    /// <exception cref="UsageException">Not one of the forms, or Q is not one of the top-k values.</exception>
    public static void Validate(string spec, int k)
    {
        if (spec == "random") return;
        if (spec.StartsWith("fixed:", StringComparison.Ordinal)) { FixedPolicy.IndexOf(ParseQ(spec), k); return; }
        if (spec.StartsWith("learned:", StringComparison.Ordinal) && spec.Length > "learned:".Length) return;
        throw new UsageException($"Unknown policy '{Echo.Of(spec)}'. Allowed values: random, fixed:Q (e.g. fixed:0.55), learned:DIR.");
    }

    /// <summary>Checks <paramref name="spec"/> fully before any work starts: its form, and for <c>learned:DIR</c> that the agent loads (checksum, finite weights).</summary>
    public static void Check(string spec, int k)
    {
        Validate(spec, k);
        if (spec.StartsWith("learned:", StringComparison.Ordinal)) PpoAgent.Load(spec["learned:".Length..]).Dispose();
    }

    /// <summary>Creates the policy <paramref name="spec"/> for an env with these spaces; a learned agent is checked against them.</summary>
    /// <param name="seed">Seeds the policy's own generator (random sampling).</param>
    /// <param name="randomSource">When given, <c>random</c> draws from this generator instead of its own (not disposed by the policy).</param>
    /// <param name="layout">The env's observation layout (MixupEnv's <see cref="IObservationLayoutEnv.Layout"/>), null for an env without a saliency grid.</param>
    public static IPolicy Create(string spec, ISpace observationSpace, ISpace actionSpace, long seed = 0, TorchSharp.torch.Generator? randomSource = null, ObservationLayout? layout = null)
    {
        if (actionSpace is not MultiDiscrete md)
            throw new UsageException($"Policies act in MixupEnv's MultiDiscrete action space; the env has {actionSpace}.");
        Validate(spec, (int)md.Nvec[0]);
        if (spec == "random") return randomSource is null ? new RandomPolicy(md, seed) : new RandomPolicy(md, randomSource);
        if (spec.StartsWith("fixed:", StringComparison.Ordinal)) return new FixedPolicy(ParseQ(spec), md.Nvec.Count, (int)md.Nvec[0]);
        var directory = spec["learned:".Length..];
        var agent = PpoAgent.Load(directory, observationSpace, actionSpace, layout);
        return new LearnedPolicy(agent, deterministic: true, seed, spec);
    }

    /// <summary>
    /// Creates the policy for MixupEnv's <paramref name="layout"/> with B images: a learned agent
    /// gets the observation form it was trained on (flat, or Dict for the <c>paper</c> network), see
    /// <see cref="WantsDictObservation"/>.
    /// </summary>
    public static IPolicy CreateForMixup(string spec, int batchSize, ObservationLayout layout, int k, long seed = 0, TorchSharp.torch.Generator? randomSource = null)
    {
        Validate(spec, k);
        var actions = new MultiDiscrete(Enumerable.Repeat((long)k, batchSize).ToArray());
        var flat = layout.FlatSpace(batchSize);
        if (!spec.StartsWith("learned:", StringComparison.Ordinal)) return Create(spec, flat, actions, seed, randomSource, layout);
        var directory = spec["learned:".Length..];
        var agent = PpoAgent.Load(directory);
        try
        {
            ISpace observations = agent.Spec.ObservationKind == "dict" ? layout.DictSpace(batchSize) : flat;
            agent.EnsureFits(observations, actions, layout, $"'{directory}'");
        }
        catch
        {
            agent.Dispose();
            throw;
        }
        return new LearnedPolicy(agent, deterministic: true, seed, spec);
    }

    /// <summary>Whether <paramref name="policy"/> acts on MixupEnv's Dict observation (<see cref="DictObservationEnv"/>) rather than the flat one.</summary>
    public static bool WantsDictObservation(IPolicy policy) => policy is LearnedPolicy { Agent.Spec.ObservationKind: "dict" };

    static double ParseQ(string spec) =>
        double.TryParse(spec["fixed:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var q)
            ? q
            : throw new UsageException($"Policy '{Echo.Of(spec)}': Q must be a number, e.g. fixed:0.55.");
}

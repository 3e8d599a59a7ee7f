using System.Globalization;
using RLMix.Agents.Learning;
using RLMix.Envs.Spaces;
using RLMix.Errors;

namespace RLMix.Agents.Policies;

/// <summary>Creates a policy from its command-line form: <c>random</c>, <c>fixed:Q</c> or <c>learned:DIR</c>.</summary>
public static class PolicyFactory
{
    /// <summary>Creates the policy <paramref name="spec"/> for an env with these spaces; a learned agent is checked against them.</summary>
    public static IPolicy Create(string spec, ISpace observationSpace, ISpace actionSpace, long seed = 0)
    {
        if (actionSpace is not MultiDiscrete md)
            throw new UsageException($"Policies act in MixupEnv's MultiDiscrete action space; the env has {actionSpace}.");
        if (spec == "random") return new RandomPolicy(md, seed);
        if (spec.StartsWith("fixed:", StringComparison.Ordinal))
        {
            if (!double.TryParse(spec["fixed:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out var q))
                throw new UsageException($"Policy '{Echo.Of(spec)}': Q must be a number, e.g. fixed:0.55.");
            return new FixedPolicy(q, md.Nvec.Count, (int)md.Nvec[0]);
        }
        if (spec.StartsWith("learned:", StringComparison.Ordinal))
        {
            var directory = spec["learned:".Length..];
            var agent = PpoAgent.Load(directory, observationSpace, actionSpace);
            return new LearnedPolicy(agent, deterministic: true, seed, spec);
        }
        throw new UsageException($"Unknown policy '{Echo.Of(spec)}'. Allowed values: random, fixed:Q (e.g. fixed:0.55), learned:DIR.");
    }
}

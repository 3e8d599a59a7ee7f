using RLMix.Configuration;
using RLMix.Errors;

namespace RLMix.Agents.Learning;

/// <summary>
/// Bounds on an agent's sizes, checked before its network and rollout buffer are allocated, so an
/// edited or corrupt agent file is an error naming the value rather than a request for 512 GB. Every
/// way of building an agent (a new one, any agent file format) goes through <see cref="Validate"/>.
/// </summary>
public static class AgentSizes
{
    /// <summary>Most action choices per image (R-Mix has 10 top-k values). The default value is 1,024.</summary>
    public const int MaxActionChoices = 1024;

    /// <summary>
    /// Throws <see cref="UsageException"/> naming <paramref name="source"/> and the first size out of
    /// range: B, F, G, K of <paramref name="spec"/>, and n_steps, hidden_size of <paramref name="options"/>,
    /// each alone and as the shapes of the rollout buffer and of the largest weight matrices.
    /// </summary>
    public static void Validate(AgentSpec spec, PpoOptions options, string source)
    {
        try
        {
            // Null when a hand-edited file leaves the section out.
            if (spec is null || options is null) throw new UsageException("the spec or the options section is missing.");
            if (spec.ObservationKind is not ("flat" or "dict"))
                throw new UsageException($"observation kind '{Echo.Of(spec.ObservationKind)}' is not flat or dict.");
            Limits.InRange("batch size B", spec.BatchSize, 1, Limits.MaxBatchSize);
            Limits.InRange("grid G", spec.Grid, 0, Limits.MaxImageSide);
            Limits.InRange("features per image F", spec.Features, spec.Grid > 0 ? (long)spec.Grid * spec.Grid + 1 : 1, Limits.MaxTensorElements,
                "the G*G saliency cells and at least one logit");
            Limits.InRange("action choices K", spec.ActionChoices, 1, MaxActionChoices);
            Limits.InRange("n_steps", options.NSteps, 1, int.MaxValue);
            Limits.InRange("hidden_size", options.HiddenSize, 1, 1 << 16);
            Limits.Elements("The rollout buffer [n_steps, B, F]", options.NSteps, spec.BatchSize, spec.Features);
            long h = options.HiddenSize, b = spec.BatchSize, k = spec.ActionChoices;
            Limits.Elements("A hidden layer [hidden_size, F]", h, spec.Features);
            Limits.Elements("A hidden layer [hidden_size, hidden_size]", h, h);
            if (options.Network == "paper")
            {
                long side = Math.Max(0, spec.Grid - 3), classes = spec.Features - (long)spec.Grid * spec.Grid;
                Limits.Elements("The paper network's saliency convolution [150, B, 3, 3]", 150, b, 3, 3);
                Limits.Elements("The paper network's fusion layer [256, 100*(G-3)^2 + 256*B]", 256, 100 * side * side + 256 * b);
                Limits.Elements("The paper network's logits layer [256, classes]", 256, classes);
                Limits.Elements("The paper network's action head [B*K, hidden_size]", b * k, h);
            }
        }
        catch (UsageException e)
        {
            throw new UsageException($"{source}: {e.Message}", e);
        }
    }
}

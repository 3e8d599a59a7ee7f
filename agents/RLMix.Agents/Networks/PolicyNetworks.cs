using RLMix.Agents.Learning;
using RLMix.Errors;
using TorchSharp;

namespace RLMix.Agents.Networks;

/// <summary>Policy networks by name.</summary>
public static class PolicyNetworks
{
    /// <summary>The accepted names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["per-image", "paper"];

    /// <summary>Creates the network <see cref="PpoOptions.Network"/> for <paramref name="spec"/>, initialized from <paramref name="generator"/>.</summary>
    public static PolicyNetwork Create(PpoOptions options, AgentSpec spec, torch.Generator generator) => options.Network switch
    {
        "per-image" => new PerImagePolicyNetwork(spec.Features, spec.ActionChoices, options.HiddenSize, options.PerImageCredit, generator,
            saliencyCells: options.ScaleSaliency && spec.Grid > 0 ? spec.Grid * spec.Grid : 0),
        "paper" => CreatePaper(options, spec, generator, spec.Grid),
        _ => throw new UsageException($"Unknown policy network '{options.Network}'. Allowed values: {string.Join(", ", Names)}."),
    };

    static PaperPolicyNetwork CreatePaper(PpoOptions options, AgentSpec spec, torch.Generator generator, int grid)
    {
        var classes = spec.Features - grid * grid;
        if (grid < 1 || classes < 1)
            throw new UsageException($"The paper network needs observation rows of {grid}x{grid} saliency cells followed by the logits; rows have only {spec.Features} values.");
        return new PaperPolicyNetwork(spec.BatchSize, grid, classes, spec.ActionChoices, options.HiddenSize, generator, options.ScaleSaliency);
    }
}

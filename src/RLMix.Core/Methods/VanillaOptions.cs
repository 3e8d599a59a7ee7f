namespace RLMix.Methods;

/// <summary>Options of plain training on one-hot targets (the "vanilla" section; it has none, so any key is an error).</summary>
public sealed record VanillaOptions;

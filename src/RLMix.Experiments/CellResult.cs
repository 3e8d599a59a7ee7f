using RLMix.Training;

namespace RLMix.Experiments;

/// <summary>The finished run of one entry with one seed.</summary>
public sealed record CellResult(string Entry, long Seed, string Directory, RunMetrics Metrics);

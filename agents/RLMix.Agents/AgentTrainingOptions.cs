namespace RLMix.Agents;

/// <summary>Where and how <see cref="AgentTrainingRun"/> runs.</summary>
/// <param name="OutDir">The agent directory (agent, checkpoint, progress.csv, tb/, agent.json).</param>
/// <param name="Episodes">Episodes (epochs of classifier training) in all.</param>
/// <param name="MaxBatches">Cap on an episode's batches (quick runs), or null.</param>
/// <param name="Resume">Continue from the directory's checkpoint.</param>
/// <param name="Overwrite">Replace another agent or run in the directory.</param>
public sealed record AgentTrainingOptions(string OutDir, int Episodes, int? MaxBatches = null, bool Resume = false, bool Overwrite = false);

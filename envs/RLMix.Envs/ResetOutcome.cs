namespace RLMix.Envs;

/// <summary>What <see cref="IEnv{TObs, TAction}.Reset"/> returns: the first observation and auxiliary information.</summary>
public sealed record ResetOutcome<TObs>(TObs Observation, IReadOnlyDictionary<string, object> Info);

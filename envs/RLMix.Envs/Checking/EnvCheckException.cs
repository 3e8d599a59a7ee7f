namespace RLMix.Envs.Checking;

/// <summary>An environment broke the <see cref="IEnv{TObs, TAction}"/> contract; the message says which check failed.</summary>
public sealed class EnvCheckException(string message, Exception? inner = null) : Exception(message, inner);

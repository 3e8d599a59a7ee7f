namespace RLMix.Envs;

/// <summary>What <see cref="IEnv{TObs, TAction}.Step"/> returns (Gymnasium's 5-tuple).</summary>
/// <param name="Observation">The next observation (after termination or truncation: the episode's final observation).</param>
/// <param name="Reward">The step's scalar reward.</param>
/// <param name="Terminated">A terminal state was reached: no bootstrapping through it.</param>
/// <param name="Truncated">The episode was cut by a limit outside the task: bootstrap from <paramref name="Observation"/>.</param>
/// <param name="Info">Auxiliary diagnostics (see each environment for its keys).</param>
public sealed record StepOutcome<TObs>(TObs Observation, double Reward, bool Terminated, bool Truncated, IReadOnlyDictionary<string, object> Info)
{
    /// <summary>Terminated or truncated: the episode is over and <c>Reset</c> must be called.</summary>
    public bool Done => Terminated || Truncated;
}

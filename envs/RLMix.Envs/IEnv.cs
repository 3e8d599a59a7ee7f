using RLMix.Envs.Spaces;

namespace RLMix.Envs;

/// <summary>
/// An environment with Gymnasium's semantics (<c>gymnasium.Env</c>).
/// <para>
/// <b>terminated</b>: the episode reached a terminal state of the task; there is no future reward,
/// so an agent must not bootstrap a value through it. <b>truncated</b>: the episode was cut off by
/// something outside the task (a time limit); the state has a future, so an agent bootstraps the
/// value of the final observation. After either, <see cref="Reset"/> must be called before the
/// next <see cref="Step"/> (stepping a finished episode throws <see cref="InvalidOperationException"/>).
/// </para>
/// <para>
/// Tensors in returned observations and infos are owned by the environment and stay valid until its
/// next <see cref="Step"/> or <see cref="Reset"/>; clone what must live longer.
/// </para>
/// </summary>
/// <typeparam name="TObs">Observation type (a tensor, or a dictionary of tensors).</typeparam>
/// <typeparam name="TAction">Action type.</typeparam>
public interface IEnv<TObs, TAction> : IDisposable where TObs : notnull where TAction : notnull
{
    /// <summary>The space every observation belongs to.</summary>
    Space<TObs> ObservationSpace { get; }

    /// <summary>The space of valid actions.</summary>
    Space<TAction> ActionSpace { get; }

    /// <summary>Starts a new episode. A non-null <paramref name="seed"/> re-seeds the environment's generator.</summary>
    ResetOutcome<TObs> Reset(int? seed = null);

    /// <summary>Applies <paramref name="action"/> and advances one step.</summary>
    StepOutcome<TObs> Step(TAction action);
}

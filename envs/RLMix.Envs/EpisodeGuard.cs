namespace RLMix.Envs;

/// <summary>
/// Enforces the Reset/Step protocol for an environment: no <c>Step</c> before the first <c>Reset</c>
/// or after the episode ended. Environments call it; it keeps the messages in one place.
/// </summary>
public sealed class EpisodeGuard(string envName)
{
    bool started;
    bool done;

    /// <summary>Whether the current episode has ended.</summary>
    public bool Done => done;

    /// <summary>Call at the start of <c>Reset</c>.</summary>
    public void OnReset()
    {
        started = true;
        done = false;
    }

    /// <summary>Call at the start of <c>Step</c>; throws if stepping is not allowed.</summary>
    public void BeforeStep()
    {
        if (!started)
            throw new InvalidOperationException($"{envName}: Step was called before Reset. Call Reset() to start an episode first.");
        if (done)
            throw new InvalidOperationException($"{envName}: Step was called after the episode ended (terminated or truncated). Call Reset() to start a new episode.");
    }

    /// <summary>Whether an episode was started (the env was reset at least once).</summary>
    public bool Started => started;

    /// <summary>Restores the state of a saved env (<see cref="Started"/>, <see cref="Done"/>).</summary>
    public void Restore(bool started, bool done)
    {
        this.started = started;
        this.done = done;
    }

    /// <summary>Call at the end of <c>Step</c> with the step's flags.</summary>
    public void AfterStep(bool terminated, bool truncated) => done = terminated || truncated;
}

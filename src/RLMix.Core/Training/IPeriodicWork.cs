namespace RLMix.Training;

/// <summary>
/// A training method that does part of its work every so many steps instead of every step (RL-Mix's online PPO
/// update, once per rollout of n_steps). <c>rlmix bench</c> times that work on its own, one unit at a time, and
/// charges each step its share (<see cref="PeriodicWorkUnit.PerStep"/> units): the bench's median over short timed
/// blocks would miss work that falls into few blocks, and work forced into every block would be charged at a rate
/// the method's options never give.
/// </summary>
public interface IPeriodicWork
{
    /// <summary>
    /// From now on <see cref="ITrainingMethod.TrainStep"/> leaves the periodic work out (everything else of the step is
    /// as before), and the work comes back as a unit the caller times on its own: on a stand-in with the shapes and
    /// options the method's steps would give it for batches of <paramref name="batchSize"/> images and
    /// <paramref name="numClasses"/> classes. Null when the method's options give it no periodic work (then nothing changes).
    /// </summary>
    PeriodicWorkUnit? DeferPeriodicWork(int batchSize, int numClasses);
}

/// <summary>One unit of a method's periodic work (<see cref="IPeriodicWork"/>), ready to be run again and again.</summary>
/// <param name="Name">Its name in a report, e.g. <c>ppo-minibatch-update</c>.</param>
/// <param name="PerStep">Units the method's options give each training step, on average.</param>
/// <param name="Basis">How <paramref name="PerStep"/> follows from the options, as a phrase for the report.</param>
/// <param name="Run">Runs one unit.</param>
/// <param name="Release">Frees the stand-in.</param>
public sealed record PeriodicWorkUnit(string Name, double PerStep, string Basis, Action Run, Action Release) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => Release();
}

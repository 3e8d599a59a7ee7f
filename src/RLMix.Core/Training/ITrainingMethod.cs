using RLMix.Data;
using RLMix.Models;
using static TorchSharp.torch;

namespace RLMix.Training;

/// <summary>
/// A training method (vanilla, a mixer, LaMix, RL-Mix): how one batch becomes one training step.
/// Registered by name in <see cref="MethodCatalog"/>.
/// </summary>
public interface ITrainingMethod : IDisposable
{
    /// <summary>The method's name (e.g. <c>rmix</c>).</summary>
    string Name { get; }

    /// <summary>Parameters the method trains besides the model (LaMix's head); empty for most.</summary>
    IEnumerable<TorchSharp.Modules.Parameter> ExtraParameters { get; }

    /// <summary>Writes the method's own state (e.g. LaMix's head, an RL-Mix agent) into a checkpoint. The default writes nothing.</summary>
    void SaveState(BinaryWriter writer) { }

    /// <summary>Restores what <see cref="SaveState"/> wrote. The default reads nothing.</summary>
    void LoadState(BinaryReader reader) { }

    /// <summary>
    /// Called once with the model before the <see cref="Trainer"/> is built and before
    /// <see cref="ExtraParameters"/> is read, so that a method can size its own layers from the model
    /// (LaMix's head needs <see cref="ClassifierModel.FeatureDim"/>). Layers the method creates are
    /// initialized from <paramref name="initSeed"/> (never from torch's process-wide generator).
    /// The default does nothing.
    /// </summary>
    void Attach(ClassifierModel model, long initSeed) { }

    /// <summary>What the method decided for a run of <paramref name="totalSteps"/> steps, as sentences for the run's log (e.g. RL-Mix's rollout length). The default is none.</summary>
    IEnumerable<string> Plan(long totalSteps) => [];

    /// <summary>The mixer the method applies, for showing examples (<c>--save-examples</c>); null when it mixes nothing or its own way.</summary>
    Mixing.IMixer? Mixer => null;

    /// <summary>Performs one training step on <paramref name="batch"/> and returns the detached scalar loss.</summary>
    Tensor TrainStep(Trainer trainer, Batch batch, MethodStep step);
}

/// <summary>Per-step context handed to a method.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="BatchIndex">0-based batch index within the epoch.</param>
/// <param name="NumClasses">Number of classes.</param>
/// <param name="Generator">Seeded generator for the method's random draws (derived from the run seed).</param>
/// <param name="TotalSteps">Training steps of the whole run (epochs x batches per epoch), for methods with their own schedules; 0 when unknown.</param>
public sealed record MethodStep(int Epoch, int BatchIndex, int NumClasses, Generator Generator, long TotalSteps = 0);

/// <summary>A method that reports statistics per epoch (recorded in the history of metrics.json).</summary>
public interface IEpochStats
{
    /// <summary>The statistics of the epoch that just ended; resets the method's accumulators.</summary>
    IReadOnlyDictionary<string, double> TakeEpochStats();
}

using RLMix.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Training;

/// <summary>
/// Owns a model, its SGD optimizer, LR schedule and loss, and performs one training step at a time,
/// so that a plain epoch loop and the RL environment can both drive it batch by batch.
/// </summary>
public sealed class Trainer : IDisposable
{
    /// <summary>Creates a trainer for epochs x batches-per-epoch optimizer steps.</summary>
    /// <param name="extraParameters">Parameters trained along with the model (e.g. LaMix's head).</param>
    public Trainer(ClassifierModel model, TrainerOptions options, int stepsPerEpoch, int epochs,
        IEnumerable<TorchSharp.Modules.Parameter>? extraParameters = null) =>
        throw new NotImplementedException("STUB: filled by the trainer work");

    /// <summary>The model being trained.</summary>
    public ClassifierModel Model => throw new NotImplementedException();

    /// <summary>The learning rate the next step will use.</summary>
    public double CurrentLr => throw new NotImplementedException();

    /// <summary>Optimizer steps taken so far.</summary>
    public long GlobalStep => throw new NotImplementedException();

    /// <summary>The configured loss of logits against soft targets <c>[B, K]</c>.</summary>
    public Tensor Loss(Tensor logits, Tensor targets) => throw new NotImplementedException();

    /// <summary>Forward on <paramref name="inputs"/>, loss against soft <paramref name="targets"/>, backward, optimizer and schedule step.</summary>
    public StepResult Step(Tensor inputs, Tensor targets, bool inputGradient = false) => throw new NotImplementedException();

    /// <summary>Backward of a loss computed by the caller (with this trainer's model), then optimizer and schedule step.</summary>
    public void ApplyLoss(Tensor loss) => throw new NotImplementedException();

    /// <summary>Writes model, optimizer, schedule position into a stream.</summary>
    public void Save(BinaryWriter writer) => throw new NotImplementedException();

    /// <summary>Restores what <see cref="Save"/> wrote.</summary>
    public void Load(BinaryReader reader) => throw new NotImplementedException();

    /// <inheritdoc />
    public void Dispose() { }
}

using RLMix.Data;
using RLMix.Mixing;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Methods;

/// <summary>
/// LaMix: alternating clean and mixed minibatches; a mixed one is the average 0.5 x_i + 0.5 x_j of each
/// image and its partner, trained toward y = beta y_mixed + (1 - beta) p, where p = softmax(sigmoid(W_t S))
/// comes from an extra linear head W_t on the penultimate features S (eq. 4, 9, 10, 11).
/// </summary>
/// <remarks>
/// Choices where the paper is ambiguous (options in <see cref="LaMixOptions"/>):
/// <list type="bullet">
/// <item>The gradient flows through p into W_t and the shared network ("full"). W_t appears only in
/// p, so with p detached W_t would never change and the "adaptively learned" global labels the paper
/// shows evolving over training (its Figures 2-3) could not exist; eq. 11 is minimized "with gradient
/// descent" over a network whose two predictions "share the same networks except for the last
/// layer", i.e. ordinary back-propagation. "head" and "none" are the alternatives.</item>
/// <item>y_mixed = lambda y_i + (1 - lambda) y_j with lambda ~ Beta(1, 1) per batch: eq. 10 uses the
/// y~^lambda of eq. 2, and the paper's point is one averaged input "for a range of mixing ratios"
/// with lambda "sampled uniformly between [0, 1]". The Figure 1 caption's plain average is "average".</item>
/// <item>Clean minibatches (even batch index) are trained toward y_ii = beta y_i + (1 - beta) p_ii
/// ("the networks still need to learn to assign the training target y_ii to the sample x_ii").</item>
/// <item>The loss is eq. 11's soft-target cross-entropy whatever the trainer's configured loss.</item>
/// </list>
/// </remarks>
public sealed class LaMixMethod : ITrainingMethod
{
    readonly LaMixOptions options;
    Linear? head;

    /// <summary>Creates the method; <see cref="Attach"/> must be called before training.</summary>
    public LaMixMethod(LaMixOptions options)
    {
        options.Validate();
        this.options = options;
    }

    /// <inheritdoc />
    public string Name => "lamix";

    /// <summary>The extra head W_t (FeatureDim to K), once attached.</summary>
    public Linear Head => head ?? throw new InvalidOperationException("LaMix's head does not exist yet: call Attach(model) before training.");

    /// <inheritdoc />
    public IEnumerable<Parameter> ExtraParameters => Head.parameters();

    /// <inheritdoc />
    /// <remarks>Creates W_t with PyTorch's default Linear initialization drawn from <paramref name="initSeed"/>, on the model's device.</remarks>
    public void Attach(ClassifierModel model, long initSeed)
    {
        head?.Dispose();
        head = nn.Linear(model.FeatureDim, model.NumClasses);
        using (var generator = new Generator(unchecked((ulong)initSeed)))
            DefaultInit.Apply(head, generator);
        var device = model.parameters().FirstOrDefault()?.device;
        if (device is not null)
            head.to(device);
    }

    /// <summary>
    /// The inputs and local labels of batch <paramref name="step"/>: the clean batch and its one-hot
    /// labels, or (on a mixed step) the averaged pairs and y_mixed. Draw order on a mixed step: the
    /// permutation, then lambda (when <see cref="LaMixOptions.LocalLabel"/> is lambda).
    /// </summary>
    public LaMixBatch Prepare(Batch batch, MethodStep step)
    {
        using var scope = NewDisposeScope();
        var y = SoftTargets.OneHot(batch.Labels, step.NumClasses).to(batch.Inputs.device);
        if (!LaMix.IsMixedStep(step.BatchIndex, options.Alternate))
            return new LaMixBatch(batch.Inputs.alias().MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), false);
        var perm = Sampling.Permutation(batch.Inputs.shape[0], step.Generator, batch.Inputs.device);
        double lambda = options.LocalLabel == "lambda" ? Sampling.Beta(options.Alpha, step.Generator) : 0.5;
        var inputs = LaMix.AveragedInput(batch.Inputs, perm);
        var local = lambda * y + (1 - lambda) * y.index_select(0, perm);
        return new LaMixBatch(inputs.MoveToOuterDisposeScope(), local.MoveToOuterDisposeScope(), true);
    }

    /// <summary>The loss of eq. 11 on a prepared batch, with its graph (for the trainer's backward).</summary>
    public Tensor Loss(ClassifierModel model, LaMixBatch prepared)
    {
        using var scope = NewDisposeScope();
        var features = model.Features(prepared.Inputs);                            // S, eq. 6
        var logits = model.Classify(features);                                      // W_l S, eq. 7
        var headInput = options.GlobalLabelGradient == "head" ? features.detach() : features;
        var global = LaMix.GlobalSoftLabel(Head.forward(headInput));                // p, eq. 9
        if (options.GlobalLabelGradient == "none")
            global = global.detach();
        var target = LaMix.TrainingTarget(prepared.LocalLabels, global, options.Beta); // eq. 10
        return SoftTargetLoss.CrossEntropy(logits, target).MoveToOuterDisposeScope(); // eq. 11
    }

    /// <inheritdoc />
    public Tensor TrainStep(Trainer trainer, Batch batch, MethodStep step)
    {
        using var scope = NewDisposeScope();
        trainer.Model.train();
        var loss = Loss(trainer.Model, Prepare(batch, step));
        trainer.ApplyLoss(loss);
        return loss.detach().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer) => Head.save(writer);

    /// <inheritdoc />
    public void LoadState(BinaryReader reader) => Head.load(reader);

    /// <inheritdoc />
    public void Dispose() => head?.Dispose();
}

/// <summary>One LaMix minibatch ready for the forward pass.</summary>
/// <param name="Inputs">Clean or averaged inputs <c>[B,C,H,W]</c>.</param>
/// <param name="LocalLabels">One-hot labels (clean) or y_mixed (mixed) <c>[B,K]</c>.</param>
/// <param name="Mixed">Whether this is a mixed minibatch.</param>
public sealed record LaMixBatch(Tensor Inputs, Tensor LocalLabels, bool Mixed);

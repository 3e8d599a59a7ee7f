using RLMix.Configuration;
using RLMix.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Training;

/// <summary>
/// Owns a model's SGD optimizer (Nesterov unless <see cref="TrainerOptions.Nesterov"/> is false), LR schedule and loss, and performs one training step at
/// a time, so that a plain epoch loop and the RL environment can both drive it batch by batch.
/// </summary>
/// <remarks>
/// The model itself stays the caller's: <see cref="Dispose"/> releases the optimizer state only.
/// The schedule is a pure function of <see cref="GlobalStep"/>: before each optimizer step the
/// optimizer's LR (and, for OneCycle with momentum cycling, its momentum) is set for that step,
/// which is what PyTorch's per-batch <c>scheduler.step()</c> after <c>optimizer.step()</c> amounts to.
/// </remarks>
public sealed class Trainer : IDisposable
{
    const string FormatTag = "RLMix.Trainer";
    const int FormatVersion = 1;

    readonly Parameter[] parameters;
    readonly SGD optimizer;
    readonly ILearningRateSchedule schedule;
    readonly Func<Tensor, Tensor, Tensor> loss;
    readonly int stepsPerEpoch;
    readonly int epochs;
    long globalStep;

    /// <summary>Creates a trainer for epochs x batches-per-epoch optimizer steps.</summary>
    /// <param name="model">The model to train; it stays owned by the caller.</param>
    /// <param name="options">Optimizer, schedule and loss; validated here (<see cref="Errors.UsageException"/> on a bad value).</param>
    /// <param name="stepsPerEpoch">Optimizer steps (batches) per epoch.</param>
    /// <param name="epochs">Number of epochs the schedule spans.</param>
    /// <param name="extraParameters">Parameters trained along with the model (e.g. LaMix's head).</param>
    public Trainer(ClassifierModel model, TrainerOptions options, int stepsPerEpoch, int epochs,
        IEnumerable<Parameter>? extraParameters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (stepsPerEpoch < 1) throw new Errors.UsageException($"Steps per epoch must be >= 1; got {stepsPerEpoch} (is the training set smaller than one batch?).");
        if (epochs < 1) throw new Errors.UsageException($"Epochs must be >= 1; got {epochs}.");

        Model = model;
        Options = options;
        this.stepsPerEpoch = stepsPerEpoch;
        this.epochs = epochs;
        TotalSteps = (long)stepsPerEpoch * epochs;
        loss = SoftTargetLoss.Of(options.Loss);
        schedule = options.Schedule == LrSchedule.Onecycle
            ? new OneCycleSchedule(options.MaxLr, TotalSteps, options.PctStart, options.DivFactor, options.FinalDivFactor,
                options.CycleMomentum, options.BaseMomentum, options.MaxMomentum)
            : new MultiStepSchedule(options.MaxLr, options.Milestones, options.Gamma, stepsPerEpoch);
        parameters = model.parameters().Concat(extraParameters ?? []).ToArray();
        optimizer = optim.SGD(parameters, schedule.LearningRate(0), momentum: options.Momentum,
            weight_decay: options.WeightDecay, nesterov: options.Nesterov);
        ApplySchedule();
    }

    /// <summary>The model being trained.</summary>
    public ClassifierModel Model { get; }

    /// <summary>The options this trainer was built with.</summary>
    public TrainerOptions Options { get; }

    /// <summary>The schedule's length: steps per epoch x epochs.</summary>
    public long TotalSteps { get; }

    /// <summary>The learning rate the next step will use.</summary>
    public double CurrentLr => schedule.LearningRate(ScheduleStep);

    /// <summary>The SGD momentum the next step will use.</summary>
    public double CurrentMomentum => schedule.Momentum(ScheduleStep) ?? Options.Momentum;

    /// <summary>Optimizer steps taken so far.</summary>
    public long GlobalStep => globalStep;

    // The OneCycle schedule is defined up to TotalSteps (PyTorch's last valid position).
    long ScheduleStep => Math.Min(globalStep, TotalSteps);

    /// <summary>The configured loss of logits against soft targets <c>[B, K]</c> (a scalar).</summary>
    public Tensor Loss(Tensor logits, Tensor targets) => loss(logits, targets);

    /// <summary>Forward on <paramref name="inputs"/> (train mode), loss against soft <paramref name="targets"/>, backward, optimizer and schedule step.</summary>
    /// <param name="inputs">Normalized inputs <c>[B, C, H, W]</c> (treated as constants: no gradient flows back into them).</param>
    /// <param name="targets">Soft targets <c>[B, K]</c>.</param>
    /// <param name="inputGradient">Also return d loss / d inputs (RL-Mix's phi(x') comes from it), from the same backward pass.</param>
    /// <param name="loss">A loss of logits and targets for this step instead of the configured one (a method's own, e.g. <c>"rmix": { "loss": "bce" }</c>).</param>
    public StepResult Step(Tensor inputs, Tensor targets, bool inputGradient = false, Func<Tensor, Tensor, Tensor>? loss = null)
    {
        using var scope = NewDisposeScope();
        Model.train();
        ClearGradients();
        var x = inputGradient ? inputs.detach().requires_grad_(true) : inputs.detach();
        var logits = Model.forward(x);
        var value = (loss ?? this.loss)(logits, targets.detach());
        Tensor? grad = null;
        if (BeginUpdate(value))
        {
            value.backward();
            grad = inputGradient ? x.grad!.detach() : null;
            OptimizerStep();
        }
        else if (inputGradient)
        {
            grad = zeros_like(x); // a skipped step has no gradient; callers still get the tensor they asked for
        }
        return new StepResult(
            value.detach().MoveToOuterDisposeScope(),
            logits.detach().MoveToOuterDisposeScope(),
            grad?.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Backward of a loss computed by the caller (with this trainer's model, e.g. LaMix's two-head loss),
    /// then optimizer and schedule step. Gradients left by earlier passes are cleared first.
    /// </summary>
    public void ApplyLoss(Tensor loss) => ApplyLoss(loss, keepGradients: false);

    /// <summary>
    /// As <see cref="ApplyLoss(Tensor)"/>; with <paramref name="keepGradients"/> the parameter gradients
    /// already accumulated (e.g. Co-Mixup's clean-loss gradient from the saliency pass) are added to, not cleared.
    /// </summary>
    public void ApplyLoss(Tensor loss, bool keepGradients)
    {
        using var scope = NewDisposeScope();
        if (!keepGradients) ClearGradients();
        if (!BeginUpdate(loss)) return;
        loss.backward();
        OptimizerStep();
    }

    /// <summary>Whether the last step was skipped because its loss was NaN or infinite (the weights were not touched).</summary>
    public bool LastStepSkipped { get; private set; }

    /// <summary>
    /// A non-finite loss would put NaN into every weight: such a step is skipped (no backward, no
    /// update; the schedule still advances so that it stays aligned with the batches), and the caller
    /// decides whether to stop or go on (see <see cref="LastStepSkipped"/>).
    /// </summary>
    bool BeginUpdate(Tensor loss)
    {
        LastStepSkipped = !loss.detach().isfinite().all().item<bool>();
        if (!LastStepSkipped) return true;
        ClearGradients();
        globalStep++;
        ApplySchedule();
        return false;
    }

    /// <summary>Clears the parameter gradients (model and extra parameters).</summary>
    public void ZeroGrad() => ClearGradients();

    // Set to none, as PyTorch's zero_grad does by default since 2.0: a parameter that gets no gradient in
    // a step (e.g. an extra head on a clean batch) is then skipped by SGD instead of decayed.
    void ClearGradients()
    {
        foreach (var p in parameters) p.grad = null;
    }

    void OptimizerStep()
    {
        if (globalStep >= TotalSteps && schedule is OneCycleSchedule)
            throw new InvalidOperationException($"The OneCycle schedule spans {TotalSteps} steps ({epochs} epochs x {stepsPerEpoch}); step {globalStep + 1} is beyond it.");
        ApplySchedule();
        optimizer.step();
        globalStep++;
    }

    void ApplySchedule()
    {
        var lr = schedule.LearningRate(ScheduleStep);
        var momentum = schedule.Momentum(ScheduleStep);
        foreach (var group in optimizer.ParamGroups)
        {
            group.LearningRate = lr;
            if (momentum is double m && group is optim.IMomentum withMomentum) withMomentum.Momentum = m;
        }
    }

    /// <summary>Writes the step counter, the schedule's shape, the model's state dict and the optimizer's momentum buffers.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(FormatTag);
        writer.Write(FormatVersion);
        writer.Write(KebabEnum.Name(Options.Schedule));
        writer.Write(stepsPerEpoch);
        writer.Write(epochs);
        writer.Write(parameters.Length);
        writer.Write(globalStep);
        Model.save(writer);
        foreach (var state in MomentumStates())
        {
            var buffer = state.momentum_buffer;
            writer.Write(buffer is not null);
            buffer?.Save(writer);
        }
    }

    /// <summary>Restores what <see cref="Save"/> wrote into this trainer, whose model, options and run length must match.</summary>
    /// <exception cref="Errors.UsageException">The saved state was made for another model or run length (the message says which).</exception>
    public void Load(BinaryReader reader)
    {
        try
        {
            var tag = reader.ReadString();
            if (tag != FormatTag) throw Mismatch($"it does not hold trainer state (found '{Truncate(tag)}')");
            var version = reader.ReadInt32();
            if (version != FormatVersion) throw Mismatch($"trainer state format {version} is not supported (expected {FormatVersion})");
            var savedSchedule = reader.ReadString();
            var savedStepsPerEpoch = reader.ReadInt32();
            var savedEpochs = reader.ReadInt32();
            var savedParameters = reader.ReadInt32();
            if (savedSchedule != KebabEnum.Name(Options.Schedule) || savedStepsPerEpoch != stepsPerEpoch || savedEpochs != epochs)
                throw Mismatch($"it was made for schedule {Truncate(savedSchedule)} over {savedEpochs} epochs x {savedStepsPerEpoch} steps, " +
                    $"this run has {KebabEnum.Name(Options.Schedule)} over {epochs} x {stepsPerEpoch}; resume with the same epochs, batch size and data size");
            if (savedParameters != parameters.Length)
                throw Mismatch($"it has {savedParameters} parameter tensors, this model and method have {parameters.Length}; resume with the same model and method");
            var step = reader.ReadInt64();
            if (step < 0 || step > TotalSteps) throw Mismatch($"its step counter {step} is outside 0..{TotalSteps}");
            Model.load(reader, strict: true);
            using (no_grad())
            {
                var states = MomentumStates().ToArray();
                for (var i = 0; i < states.Length; i++)
                {
                    if (!reader.ReadBoolean())
                    {
                        states[i].momentum_buffer?.Dispose();
                        states[i].momentum_buffer = null;
                        continue;
                    }
                    // A fresh optimizer has no buffer yet; make one outside any caller's dispose scope.
                    states[i].momentum_buffer ??= zeros_like(parameters[i]).DetachFromDisposeScope();
                    states[i].momentum_buffer.Load(reader);
                }
            }
            globalStep = step;
            ApplySchedule();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Mismatch($"{e.Message.TrimEnd('.')}; it was probably written for another model (resume with the same --model, dataset and method)", e);
        }
    }

    IEnumerable<SGD.State> MomentumStates() => optimizer.state_dict().State.Cast<SGD.State>();

    static Errors.UsageException Mismatch(string why, Exception? inner = null) =>
        new($"Cannot restore the trainer from the checkpoint: {why}.", inner);

    static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";

    /// <inheritdoc />
    public void Dispose() => optimizer.Dispose();
}

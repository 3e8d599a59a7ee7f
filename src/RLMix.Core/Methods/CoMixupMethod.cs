using RLMix.Data;
using RLMix.Mixing;
using RLMix.Mixing.CoMixup;
using RLMix.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Methods;

/// <summary>
/// Co-Mixup training as the official CIFAR code does it: one clean forward/backward with the loss
/// <c>clean_lambda * 2 * CE / N</c> gives the saliency (input gradient) and a parameter gradient that
/// is kept ("clean input regularization"); the mixed batch's loss (bce by default) is added to it
/// before a single optimizer step. With <c>clean_lambda = 0</c> it is a plain mixer method.
/// </summary>
public sealed class CoMixupMethod(CoMixupOptions options) : ITrainingMethod
{
    readonly CoMixupMixer mixer = new(options);
    readonly Func<Tensor, Tensor, Tensor> loss = SoftTargetLoss.Of(options.Loss);

    /// <inheritdoc />
    public string Name => "comixup";

    /// <inheritdoc />
    public IEnumerable<Parameter> ExtraParameters => [];

    /// <inheritdoc />
    public IMixer Mixer => mixer;

    /// <inheritdoc />
    public Tensor TrainStep(Trainer trainer, Batch batch, MethodStep step)
    {
        using var scope = NewDisposeScope();
        var model = trainer.Model;
        bool keepClean = options.CleanLambda > 0;
        Tensor saliency;
        if (keepClean)
        {
            saliency = CleanPass(trainer, batch, options.CleanLambda, step.NumClasses);
        }
        else
        {
            saliency = Saliency.Compute(model, batch.Inputs, batch.Labels).Saliency;
        }
        var mixed = mixer.Mix(batch, new MixContext(step.NumClasses, step.Generator, saliency));
        model.train();
        var value = loss(model.forward(mixed.Inputs), mixed.Targets);
        trainer.ApplyLoss(value, keepGradients: keepClean);
        return value.detach().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The clean pass with clean input regularization: zeroes the gradients, runs the model in train mode on the clean
    /// batch with the loss <c>cleanLambda * 2 * CE / N</c>, backpropagates it, and returns the saliency from the input
    /// gradient. The clean loss's parameter gradients stay in place for the mixed loss to add to.
    /// </summary>
    public static Tensor CleanPass(Trainer trainer, Batch batch, double cleanLambda, int numClasses)
    {
        trainer.Model.train();
        trainer.ZeroGrad();
        var x = batch.Inputs.detach().requires_grad_(true);
        var clean = nn.functional.cross_entropy(trainer.Model.forward(x), batch.Labels) * (2.0 * cleanLambda / numClasses);
        clean.backward();
        return Saliency.FromInputGradient(x.grad!);
    }

    /// <inheritdoc />
    public void Dispose() { }
}

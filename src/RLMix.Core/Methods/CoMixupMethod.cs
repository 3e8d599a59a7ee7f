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
            model.train();
            trainer.ZeroGrad();
            var x = batch.Inputs.detach().requires_grad_(true);
            var logits = model.forward(x);
            var clean = nn.functional.cross_entropy(logits, batch.Labels) * (2.0 * options.CleanLambda / step.NumClasses);
            clean.backward();
            saliency = Saliency.FromInputGradient(x.grad!);
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

    /// <inheritdoc />
    public void Dispose() { }
}

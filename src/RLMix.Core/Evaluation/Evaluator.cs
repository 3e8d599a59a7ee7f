using RLMix.Data;
using RLMix.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Evaluation;

/// <summary>
/// Computes top-1 error, ECE and FGSM error of a model on normalized test batches, with the model in
/// eval mode (its previous mode is restored) and without touching parameter gradients.
/// </summary>
/// <remarks>
/// FGSM (Goodfellow et al., 2015), one untargeted step in [0,1] pixel space before normalization:
/// x_pix = x*std + mean; x_adv = clamp(x_pix + epsilon * sign(d CE / d x_pix), 0, 1); the model sees
/// (x_adv - mean) / std. Zero-padded borders are 0 in pixel space like any black pixel.
/// </remarks>
public sealed class Evaluator
{
    readonly float[] mean;
    readonly float[] std;

    /// <summary>Creates an evaluator for inputs normalized with per-channel <paramref name="mean"/> and <paramref name="std"/>.</summary>
    /// <param name="mean">Per-channel mean used by the data loader's normalization.</param>
    /// <param name="std">Per-channel standard deviation used by the data loader's normalization.</param>
    /// <param name="fgsmEpsilon">FGSM step in [0,1] pixel units. The default value is 8/255.</param>
    /// <param name="eceBins">Number of equal-width confidence bins. The default value is 15.</param>
    public Evaluator(float[] mean, float[] std, double fgsmEpsilon = 8.0 / 255.0, int eceBins = 15)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"mean and std must have one entry per channel; got {mean.Length} and {std.Length}.");
        if (std.Any(s => !(s > 0))) throw new ArgumentException("std entries must be positive.", nameof(std));
        ArgumentOutOfRangeException.ThrowIfNegative(fgsmEpsilon);
        this.mean = (float[])mean.Clone();
        this.std = (float[])std.Clone();
        ArgumentOutOfRangeException.ThrowIfLessThan(eceBins, 1);
        FgsmEpsilon = fgsmEpsilon;
        EceBins = eceBins;
    }

    /// <summary>FGSM step in [0,1] pixel units.</summary>
    public double FgsmEpsilon { get; }

    /// <summary>Number of confidence bins for ECE.</summary>
    public int EceBins { get; }

    /// <summary>Evaluates <paramref name="model"/> on <paramref name="batches"/> (normalized inputs, integer labels).</summary>
    /// <param name="fgsm">Also compute the FGSM error (one more forward and backward per batch); otherwise it is NaN.</param>
    public EvalResult Evaluate(ClassifierModel model, IEnumerable<Batch> batches, bool fgsm = true)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var bins = new ConfidenceBins(EceBins);
            Tensor? fgsmWrong = null;
            try
            {
                foreach (var batch in batches)
                {
                    using var scope = NewDisposeScope();
                    using (no_grad())
                    {
                        var probabilities = nn.functional.softmax(model.forward(batch.Inputs), 1);
                        bins.Add(probabilities, batch.Labels);
                    }
                    if (fgsm)
                    {
                        var wrong = FgsmWrongCount(model, batch);
                        if (fgsmWrong is null) fgsmWrong = wrong.DetachFromDisposeScope();
                        else fgsmWrong.add_(wrong);
                    }
                }
                if (bins.Count == 0) throw new ArgumentException("No test samples to evaluate.", nameof(batches));
                var fgsmError = fgsmWrong is null ? double.NaN : 100.0 * fgsmWrong.item<long>() / bins.Count;
                return new EvalResult(bins.Top1ErrorPercent(), bins.EcePercent(), fgsmError, bins.ConfidenceMinusAccuracyPercent());
            }
            finally
            {
                fgsmWrong?.Dispose();
            }
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Number of FGSM-perturbed inputs of <paramref name="batch"/> the model misclassifies (an int64 scalar).</summary>
    public Tensor FgsmWrongCount(ClassifierModel model, Batch batch)
    {
        using var scope = NewDisposeScope();
        var inputs = batch.Inputs;
        if (inputs.dim() != 4 || inputs.shape[1] != mean.Length)
            throw new ArgumentException($"Expected inputs [B, {mean.Length}, H, W]; got [{string.Join(", ", inputs.shape)}].");
        var m = tensor(mean, device: inputs.device).view(1, -1, 1, 1);
        var s = tensor(std, device: inputs.device).view(1, -1, 1, 1);
        var pixels = (inputs.detach() * s + m).requires_grad_(true);
        var loss = nn.functional.cross_entropy(model.forward((pixels - m) / s), batch.Labels);
        // Only the input gradient is asked for: parameter .grad fields stay untouched.
        var grad = torch.autograd.grad([loss], [pixels])[0];
        using (no_grad())
        {
            var adversarial = (pixels.detach() + FgsmEpsilon * grad.sign()).clamp_(0, 1);
            var prediction = model.forward((adversarial - m) / s).argmax(1);
            return prediction.ne(batch.Labels).sum().MoveToOuterDisposeScope();
        }
    }
}

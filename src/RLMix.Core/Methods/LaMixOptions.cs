using RLMix.Errors;

namespace RLMix.Methods;

/// <summary>Options of LaMix (label-driven mixup, "Bypassing the Random Input Mixing in Mixup"), the "lamix" section of a run's configuration.</summary>
public sealed record LaMixOptions
{
    /// <summary>beta of eq. 10: y = beta y_mixed + (1 - beta) p. The default value is 0.5 (the paper's setting against Mixup and CutMix).</summary>
    public double Beta { get; init; } = 0.5;

    /// <summary>lambda ~ Beta(Alpha, Alpha) for the local soft label y_mixed (eq. 2); Alpha = 1 is the paper's "uniform on [0, 1]". The default value is 1.0.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>
    /// How the local soft label y_mixed of an averaged pair is weighted: "lambda" (eq. 2 and 10:
    /// lambda y_i + (1 - lambda) y_j with lambda drawn per batch) or "average" (0.5 y_i + 0.5 y_j, as
    /// the paper's Figure 1 caption says). The default value is lambda.
    /// </summary>
    public string LocalLabel { get; init; } = "lambda";

    /// <summary>
    /// Where the gradient of the loss flows through the global soft label p = softmax(sigmoid(W_t S)):
    /// "full" (into W_t and, through S, into the shared network: plain back-propagation of eq. 11),
    /// "head" (into W_t only; S is detached on p's path), or "none" (p is a constant target, so W_t
    /// stays at its initialization). The default value is full.
    /// </summary>
    public string GlobalLabelGradient { get; init; } = "full";

    /// <summary>Alternate clean (even batch index) and mixed (odd) minibatches, as the paper; false mixes every batch (its "without original samples" ablation). The default value is true.</summary>
    public bool Alternate { get; init; } = true;

    /// <summary>Throws a <see cref="UsageException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(Beta >= 0 && Beta <= 1))
            throw new UsageException($"lamix.beta must be in [0, 1]; got {Beta}.");
        if (!(Alpha > 0))
            throw new UsageException($"lamix.alpha must be > 0; got {Alpha}.");
        if (LocalLabel is not "lambda" and not "average")
            throw new UsageException($"lamix.local_label must be lambda or average; got '{Echo.Of(LocalLabel)}'.");
        if (GlobalLabelGradient is not "full" and not "head" and not "none")
            throw new UsageException($"lamix.global_label_gradient must be full, head or none; got '{Echo.Of(GlobalLabelGradient)}'.");
    }
}

namespace RLMix.Training;

/// <summary>Optimizer, schedule and loss. Defaults are the R-Mix official CIFAR settings.</summary>
public sealed record TrainerOptions
{
    /// <summary>onecycle or multistep. The default value is onecycle.</summary>
    public LrSchedule Schedule { get; init; } = LrSchedule.Onecycle;

    /// <summary>Peak (OneCycle) or initial (MultiStep) learning rate. The default value is 0.3.</summary>
    public double MaxLr { get; init; } = 0.3;

    /// <summary>OneCycle: initial LR = MaxLr / DivFactor. The default value is 100.</summary>
    public double DivFactor { get; init; } = 100;

    /// <summary>OneCycle: final LR = initial LR / FinalDivFactor. The default value is 1e4.</summary>
    public double FinalDivFactor { get; init; } = 1e4;

    /// <summary>OneCycle: fraction of steps spent increasing the LR. The default value is 0.3.</summary>
    public double PctStart { get; init; } = 0.3;

    /// <summary>MultiStep: epochs at which the LR is multiplied by <see cref="Gamma"/>. The default value is [100, 200].</summary>
    public int[] Milestones { get; init; } = [100, 200];

    /// <summary>MultiStep factor. The default value is 0.1.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>SGD momentum (Nesterov). The default value is 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>Nesterov momentum (R-Mix and Co-Mixup); false is plain SGD momentum (the Facebook mixup code that LaMix follows). The default value is true.</summary>
    public bool Nesterov { get; init; } = true;

    /// <summary>Weight decay. The default value is 1e-4.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>soft-ce (soft-target cross-entropy) or bce (binary cross-entropy on softmax outputs). The default value is soft-ce.</summary>
    public TrainingLoss Loss { get; init; } = TrainingLoss.SoftCe;

    /// <summary>
    /// OneCycle: cycle the momentum inversely to the LR between <see cref="MaxMomentum"/> and
    /// <see cref="BaseMomentum"/>, as PyTorch's OneCycleLR does by default (and so the R-Mix code);
    /// <see cref="Momentum"/> is then unused. The default value is true.
    /// </summary>
    public bool CycleMomentum { get; init; } = true;

    /// <summary>OneCycle: momentum at the LR peak. The default value is 0.85.</summary>
    public double BaseMomentum { get; init; } = 0.85;

    /// <summary>OneCycle: momentum at the start and end of the cycle. The default value is 0.95.</summary>
    public double MaxMomentum { get; init; } = 0.95;

    /// <summary>Throws <see cref="Errors.UsageException"/> naming the first invalid value and its allowed range.</summary>
    public void Validate()
    {
        Require(MaxLr > 0 && double.IsFinite(MaxLr), "max_lr", MaxLr, "a positive number");
        Require(DivFactor > 0 && double.IsFinite(DivFactor), "div_factor", DivFactor, "a positive number");
        Require(FinalDivFactor > 0 && double.IsFinite(FinalDivFactor), "final_div_factor", FinalDivFactor, "a positive number");
        Require(PctStart > 0 && PctStart < 1, "pct_start", PctStart, "in (0, 1)");
        Require(Gamma > 0 && double.IsFinite(Gamma), "gamma", Gamma, "a positive number");
        Require(Momentum > 0 && Momentum < 1, "momentum", Momentum, "in (0, 1) (Nesterov needs a momentum)");
        Require(BaseMomentum > 0 && BaseMomentum < 1, "base_momentum", BaseMomentum, "in (0, 1)");
        Require(MaxMomentum > 0 && MaxMomentum < 1, "max_momentum", MaxMomentum, "in (0, 1)");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), "weight_decay", WeightDecay, "a number >= 0");
        if (Milestones.Any(m => m < 0))
            throw new Errors.UsageException($"Invalid milestones [{string.Join(", ", Milestones)}]: epochs must be >= 0.");
    }

    static void Require(bool ok, string key, double value, string allowed)
    {
        if (!ok) throw new Errors.UsageException($"Invalid trainer option {key} = {value}: it must be {allowed}.");
    }
}

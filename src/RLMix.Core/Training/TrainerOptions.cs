namespace RLMix.Training;

/// <summary>Optimizer, schedule and loss. Defaults are the R-Mix official CIFAR settings.</summary>
public sealed record TrainerOptions
{
    /// <summary>onecycle or multistep. The default value is onecycle.</summary>
    public string Schedule { get; init; } = "onecycle";

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

    /// <summary>Weight decay. The default value is 1e-4.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>soft-ce (soft-target cross-entropy) or bce (binary cross-entropy on softmax outputs). The default value is soft-ce.</summary>
    public string Loss { get; init; } = "soft-ce";
}

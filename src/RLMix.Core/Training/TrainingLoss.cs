namespace RLMix.Training;

/// <summary>A training loss of logits and soft targets (<see cref="SoftTargetLoss"/>); written <c>soft-ce</c> or <c>bce</c>.</summary>
public enum TrainingLoss
{
    /// <summary>Soft-target cross-entropy.</summary>
    SoftCe,

    /// <summary>Binary cross-entropy on softmax outputs (the official R-Mix and Co-Mixup CIFAR loss).</summary>
    Bce,
}

using System.ComponentModel.DataAnnotations;
using RLMix.Errors;

namespace RLMix.Agents.Learning;

/// <summary>
/// PPO hyperparameters with Stable-Baselines3's names and defaults (<c>stable_baselines3/ppo/ppo.py</c>),
/// plus RLMix's choice of policy network and credit assignment. <see cref="Paper"/> is the official
/// RL-Mix setting.
/// </summary>
public sealed record PpoOptions
{
    /// <summary>Adam learning rate (initial value when a schedule is set). The default value is 3e-4.</summary>
    [Range(0.0, 1.0)] public double LearningRate { get; init; } = 3e-4;

    /// <summary>
    /// Null: constant learning rate. Otherwise lr = progress_remaining^power * <see cref="LearningRate"/>,
    /// the official RL-Mix <c>exp_schedule</c> (power 0.9); progress_remaining goes from 1 to 0 over the
    /// run's total timesteps. The default value is null.
    /// </summary>
    public double? LearningRateDecayPower { get; init; }

    /// <summary>Environment steps per rollout (SB3 <c>n_steps</c>). The default value is 2048.</summary>
    [Range(1, int.MaxValue)] public int NSteps { get; init; } = 2048;

    /// <summary>Minibatch size in rollout steps (SB3 <c>batch_size</c>). The default value is 64.</summary>
    [Range(1, int.MaxValue)] public int BatchSize { get; init; } = 64;

    /// <summary>Passes over each rollout (SB3 <c>n_epochs</c>). The default value is 10.</summary>
    [Range(1, int.MaxValue)] public int NEpochs { get; init; } = 10;

    /// <summary>Discount factor. The default value is 0.99.</summary>
    [Range(0.0, 1.0)] public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda. The default value is 0.95.</summary>
    [Range(0.0, 1.0)] public double GaeLambda { get; init; } = 0.95;

    /// <summary>Clipping of the probability ratio. The default value is 0.2.</summary>
    public double ClipRange { get; init; } = 0.2;

    /// <summary>Clipping of the value prediction around the old value; null disables it (SB3 default). The default value is null.</summary>
    public double? ClipRangeVf { get; init; }

    /// <summary>Normalize advantages per minibatch. The default value is true.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Entropy coefficient. The default value is 0.</summary>
    public double EntCoef { get; init; }

    /// <summary>Value loss coefficient. The default value is 0.5.</summary>
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Gradient norm clipping. The default value is 0.5.</summary>
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Stop a rollout's epochs early when approx KL exceeds 1.5 x this; null never stops. The default value is null.</summary>
    public double? TargetKl { get; init; }

    /// <summary>Adam epsilon (SB3 passes 1e-5). The default value is 1e-5.</summary>
    public double AdamEps { get; init; } = 1e-5;

    /// <summary>Policy network: <c>per-image</c> (shared per-image head, any batch size) or <c>paper</c> (the official extractor, fixed batch size). The default value is per-image.</summary>
    public string Network { get; init; } = "per-image";

    /// <summary>Width of the policy and value MLP layers (SB3's net_arch [64, 64]). The default value is 64.</summary>
    [Range(1, 1 << 16)] public int HiddenSize { get; init; } = 64;

    /// <summary>
    /// Credit assignment. False (the default, SB3 and the paper): the B per-image categoricals form one
    /// joint action whose log-probability and entropy are the SUMS over images, so PPO's ratio,
    /// clipping and advantage are per batch. True: with a per-image reward (e.g. <c>grad-cosine-image</c>),
    /// each image's action, ratio, per-image value and advantage is its own sample (GAE runs per image
    /// slot along time; minibatches hold <see cref="BatchSize"/> steps x B images). Needs the
    /// <c>per-image</c> network. The default value is false.
    /// </summary>
    public bool PerImageCredit { get; init; }

    /// <summary>SB3's defaults.</summary>
    public static PpoOptions Default { get; } = new();

    /// <summary>
    /// The official RL-Mix settings (<c>main.py</c>): n_steps 1000, batch 250, lr schedule
    /// progress_remaining^0.9 * lr0, the official network, joint action; the rest SB3 defaults. The
    /// official lr0 comes from an undefined <c>--agent_lr</c>, so lr0 here is SB3's 3e-4.
    /// </summary>
    public static PpoOptions Paper { get; } = new() { NSteps = 1000, BatchSize = 250, LearningRateDecayPower = 0.9, Network = "paper" };

    /// <summary>The learning rate at <paramref name="progressRemaining"/> (1 at the start, 0 at the end).</summary>
    public double LearningRateAt(double progressRemaining) =>
        LearningRateDecayPower is double power ? Math.Pow(Math.Clamp(progressRemaining, 0, 1), power) * LearningRate : LearningRate;

    /// <summary>Throws <see cref="UsageException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        var context = new ValidationContext(this);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(this, context, results, validateAllProperties: true))
            throw new UsageException($"Invalid PPO option: {results[0].ErrorMessage}");
        if (!(ClipRange > 0)) throw new UsageException($"PPO ClipRange must be > 0 (got {ClipRange}).");
        if (ClipRangeVf is <= 0) throw new UsageException($"PPO ClipRangeVf must be > 0 or null (got {ClipRangeVf}).");
        if (MaxGradNorm <= 0) throw new UsageException($"PPO MaxGradNorm must be > 0 (got {MaxGradNorm}).");
        if (LearningRateDecayPower is < 0) throw new UsageException($"PPO LearningRateDecayPower must be >= 0 or null (got {LearningRateDecayPower}).");
        if (Network is not ("per-image" or "paper")) throw new UsageException($"Unknown policy network '{Network}'. Allowed values: per-image, paper.");
        if (PerImageCredit && Network != "per-image")
            throw new UsageException("PPO PerImageCredit needs the per-image network (it gives one value per image); use Network = per-image.");
    }
}

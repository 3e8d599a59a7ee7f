using System.ComponentModel.DataAnnotations;
using RLMix.Errors;

namespace RLMix.Agents.Learning;

/// <summary>
/// PPO hyperparameters with Stable-Baselines3's names and defaults (<c>stable_baselines3/ppo/ppo.py</c>),
/// plus RLMix's choice of policy network, its input scaling and credit assignment. Two presets:
/// <see cref="Default"/> (<c>per-image</c>) and <see cref="Paper"/> (the official RL-Mix code's setup).
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

    /// <summary>
    /// Both networks multiply the observation's G*G saliency cells by G*G. They are a map that sums to 1,
    /// so each cell is about 1/64 of an 8x8 grid while the logits beside it are of order 1-10; scaled, a
    /// uniform map reads as ones and the saliency input is on the logits' scale. The <see cref="Paper"/>
    /// preset turns it off: the official code reads the observation as it is. The default value is true.
    /// </summary>
    public bool ScaleSaliency { get; init; } = true;

    /// <summary>Width of the policy and value MLP layers (SB3's net_arch [64, 64]). The default value is 64.</summary>
    [Range(1, 1 << 16)] public int HiddenSize { get; init; } = 64;

    /// <summary>
    /// Credit assignment. False (the default, SB3 and the paper): the B per-image categoricals form one
    /// joint action whose log-probability and entropy are the SUMS over images, so PPO's ratio,
    /// clipping and advantage are per batch. True: with a per-image reward (e.g. <c>grad-cosine-image</c>),
    /// each image's action, ratio, per-image value and advantage is its own sample (GAE runs per image
    /// slot along time; minibatches hold <see cref="BatchSize"/> steps x B images). Needs the
    /// <c>per-image</c> network. <see cref="NSteps"/> and <see cref="BatchSize"/> still count steps, and
    /// each step now holds B samples, so SB3's 2048 steps are 2048·B samples per update: with per-image
    /// credit use a few steps per rollout (the learning tests update after every step and learn in
    /// tens of steps; with n_steps 8 PPO's clipping makes too few policy iterations, see
    /// experiments/reports/agent-learning.md). The default value is false.
    /// </summary>
    public bool PerImageCredit { get; init; }

    /// <summary>
    /// RLMix's default (preset <c>per-image</c>): the per-image network with its saliency scaling and
    /// Stable-Baselines3's PPO defaults, constant learning rate. Not the paper's setup: see <see cref="Paper"/>.
    /// </summary>
    public static PpoOptions Default { get; } = new();

    /// <summary>
    /// The official RL-Mix code (<c>minhlong94/Random-Mixup</c>, <c>main.py --method rlmix</c> with
    /// stable-baselines3 1.1): the <c>policy_network.py</c> extractor under SB3's default heads
    /// (network <c>paper</c>, hidden 64, observation as it is), the joint action (per-image
    /// log-probabilities summed), n_steps 1000 (<c>--agent_trajectory_size</c>), minibatch 250
    /// (<c>--agent_batch_size</c>), 10 epochs (SB3's; <c>--agent_epochs 15</c> is never passed), learning
    /// rate progress_remaining^0.9 * lr0 (<c>exp_schedule</c>) with lr0 = 3e-4 (the code reads an
    /// undefined <c>--agent_lr</c>; SB3's default stands in), and SB3's defaults for the rest: gamma 0.99,
    /// GAE lambda 0.95, clip 0.2, no value clipping, advantage normalization, entropy 0, value 0.5,
    /// max grad norm 0.5, no target KL, Adam eps 1e-5. Every field is listed here so that a change of
    /// <see cref="Default"/> cannot leak into it. The environment's part (done at every epoch end) is
    /// <c>MixupEnvOptions.Paper</c>.
    /// </summary>
    public static PpoOptions Paper { get; } = new()
    {
        Network = "paper", HiddenSize = 64, ScaleSaliency = false, PerImageCredit = false,
        NSteps = 1000, BatchSize = 250, NEpochs = 10,
        LearningRate = 3e-4, LearningRateDecayPower = 0.9,
        Gamma = 0.99, GaeLambda = 0.95, ClipRange = 0.2, ClipRangeVf = null, NormalizeAdvantage = true,
        EntCoef = 0.0, VfCoef = 0.5, MaxGradNorm = 0.5, TargetKl = null, AdamEps = 1e-5,
    };

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

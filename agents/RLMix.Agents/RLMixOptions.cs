using RLMix.Agents.Learning;
using RLMix.Envs.Mixup;
using RLMix.Errors;
using RLMix.Mixing;

namespace RLMix.Agents;

/// <summary>Options of the <c>rlmix</c> training method (the "rlmix" section of a run config).</summary>
public sealed record RLMixOptions
{
    /// <summary>
    /// Who picks each image's q: <c>online</c> (a PPO agent trained together with the classifier, as
    /// the paper), <c>learned:DIR</c> (a saved agent, acting deterministically), <c>random</c> (uniform
    /// q per image: R-Mix) or <c>fixed:Q</c>. The default value is online.
    /// </summary>
    public string Policy { get; init; } = "online";

    /// <summary>Built-in reward name (grad-cosine, grad-cosine-image, negative-loss, true-class-confidence). The default value is grad-cosine.</summary>
    public string Reward { get; init; } = "grad-cosine";

    /// <summary>Path of an assembly with a reward type implementing IRewardFunction (overrides <see cref="Reward"/>).</summary>
    public string? RewardPlugin { get; init; }

    /// <summary>Full name of the reward type when the plugin assembly has several.</summary>
    public string? RewardType { get; init; }

    /// <summary>
    /// <c>per-image</c> (<see cref="PpoOptions.Default"/>: the per-image network, SB3's PPO defaults,
    /// constant learning rate, epoch ends truncated) or <c>paper</c> (<see cref="PpoOptions.Paper"/>:
    /// the official RL-Mix code's settings, epoch ends terminal); the README's table lists both. The
    /// default value is per-image.
    /// </summary>
    public string Preset { get; init; } = "per-image";

    /// <summary>Policy network for the online agent: per-image or paper; null takes the preset's. The default value is null.</summary>
    public string? Network { get; init; }

    /// <summary>Rollout length of the online agent; null takes the preset's (2048 per-image, 1000 paper). The default value is null.</summary>
    public int? NSteps { get; init; }

    /// <summary>PPO minibatch size of the online agent; null takes the preset's (64 per-image, 250 paper). The default value is null.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Per-image credit assignment (each image's action, ratio and advantage its own sample; needs a per-image reward). The default value is false.</summary>
    public bool PerImageCredit { get; init; }

    /// <summary>
    /// R-Mix's options (the same record and keys as the "rmix" section: alpha, patches, k, loss), under
    /// the key <c>rmix</c>: <c>"rlmix": { "rmix": { "alpha": 1.0, "patches": [2, 4] } }</c>. With the
    /// <c>random</c> policy, RL-Mix is R-Mix with these options, draw for draw. The default value is R-Mix's defaults.
    /// </summary>
    [System.Text.Json.Serialization.JsonPropertyName("rmix")]
    public RMixOptions RMix { get; init; } = new();

    /// <summary>The PPO options these settings select.</summary>
    public PpoOptions Ppo()
    {
        var basis = Preset switch
        {
            "per-image" => PpoOptions.Default,
            "paper" => PpoOptions.Paper,
            "sb3" => throw new UsageException("rlmix.preset 'sb3' is now called 'per-image' (SB3's PPO defaults with the per-image network; it is not the paper's setup, which is 'paper')."),
            _ => throw new UsageException($"rlmix.preset must be per-image or paper; got '{Echo.Of(Preset)}'."),
        };
        var o = basis with
        {
            Network = Network ?? basis.Network,
            NSteps = NSteps ?? basis.NSteps,
            BatchSize = BatchSize ?? basis.BatchSize,
            PerImageCredit = PerImageCredit,
        };
        o.Validate();
        return o;
    }

    /// <summary>The environment settings these options select (epochs set by the caller).</summary>
    public MixupEnvOptions Env(int? totalEpochs = null, int? maxBatches = null)
    {
        RMix.Validate("rlmix.rmix");
        var o = new MixupEnvOptions
        {
            RMix = RMix, TotalEpochs = totalEpochs, MaxBatches = maxBatches,
            TerminalAtEpochEnd = Preset == "paper",
        };
        o.Validate();
        return o;
    }
}

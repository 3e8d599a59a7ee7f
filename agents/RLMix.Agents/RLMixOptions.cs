using RLMix.Agents.Learning;
using RLMix.Envs.Mixup;
using RLMix.Errors;
using RLMix.Mixing;
using System.Text.Json.Nodes;

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

    /// <summary>Adam learning rate (SB3 <c>learning_rate</c>; the initial one under the paper preset's decay); null takes the preset's. The default value is null.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Passes over each rollout (SB3 <c>n_epochs</c>); null takes the preset's. The default value is null.</summary>
    public int? NEpochs { get; init; }

    /// <summary>Discount factor (SB3 <c>gamma</c>); null takes the preset's. The default value is null.</summary>
    public double? Gamma { get; init; }

    /// <summary>GAE lambda (SB3 <c>gae_lambda</c>); null takes the preset's. The default value is null.</summary>
    public double? GaeLambda { get; init; }

    /// <summary>Clipping of the probability ratio (SB3 <c>clip_range</c>); null takes the preset's. The default value is null.</summary>
    public double? ClipRange { get; init; }

    /// <summary>Clipping of the value prediction (SB3 <c>clip_range_vf</c>); null takes the preset's (none in both). The default value is null.</summary>
    public double? ClipRangeVf { get; init; }

    /// <summary>Normalize advantages per minibatch (SB3 <c>normalize_advantage</c>); null takes the preset's. The default value is null.</summary>
    public bool? NormalizeAdvantage { get; init; }

    /// <summary>Entropy coefficient (SB3 <c>ent_coef</c>); null takes the preset's. The default value is null.</summary>
    public double? EntCoef { get; init; }

    /// <summary>Value loss coefficient (SB3 <c>vf_coef</c>); null takes the preset's. The default value is null.</summary>
    public double? VfCoef { get; init; }

    /// <summary>Gradient norm clipping (SB3 <c>max_grad_norm</c>); null takes the preset's. The default value is null.</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>Early stop of a rollout's epochs at approx KL above 1.5 x this (SB3 <c>target_kl</c>); null takes the preset's (none in both). The default value is null.</summary>
    public double? TargetKl { get; init; }

    /// <summary>Per-image credit assignment (each image's action, ratio and advantage its own sample; needs a per-image reward). The default value is false.</summary>
    public bool PerImageCredit { get; init; }

    /// <summary>
    /// R-Mix's options (the same record and keys as the "rmix" section: alpha, patches, k, loss), under
    /// the key <c>rmix</c>: <c>"rlmix": { "rmix": { "alpha": 1.0, "patches": [2, 4] } }</c>. With the
    /// <c>random</c> policy, RL-Mix is R-Mix with these options, draw for draw. The default value is R-Mix's defaults.
    /// </summary>
    [System.Text.Json.Serialization.JsonPropertyName("rmix")]
    public RMixOptions RMix { get; init; } = new();

    /// <summary>
    /// The PPO options these settings select: the preset's values, then every key given explicitly (non-null) in
    /// place of the preset's. (A run shorter than ten rollouts also caps n_steps unless it was given: <see cref="RolloutLength"/>.)
    /// </summary>
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
            LearningRate = LearningRate ?? basis.LearningRate,
            NEpochs = NEpochs ?? basis.NEpochs,
            Gamma = Gamma ?? basis.Gamma,
            GaeLambda = GaeLambda ?? basis.GaeLambda,
            ClipRange = ClipRange ?? basis.ClipRange,
            ClipRangeVf = ClipRangeVf ?? basis.ClipRangeVf,
            NormalizeAdvantage = NormalizeAdvantage ?? basis.NormalizeAdvantage,
            EntCoef = EntCoef ?? basis.EntCoef,
            VfCoef = VfCoef ?? basis.VfCoef,
            MaxGradNorm = MaxGradNorm ?? basis.MaxGradNorm,
            TargetKl = TargetKl ?? basis.TargetKl,
            PerImageCredit = PerImageCredit,
        };
        o.Validate();
        return o;
    }

    /// <summary>
    /// The reward these options select: the plug-in when <see cref="RewardPlugin"/> is set, else the built-in
    /// <see cref="Reward"/>. A non-default built-in name beside a plug-in is an error (one of them would be ignored).
    /// </summary>
    public Envs.Rewards.IRewardFunction RewardFunction()
    {
        if (RewardPlugin is not null && Reward != Envs.Rewards.RewardRegistry.DefaultName)
            throw new UsageException($"rlmix: both reward '{Echo.Of(Reward)}' and reward_plugin '{Echo.Of(RewardPlugin)}' are set; use one of them (--reward or --reward-plugin).");
        return Envs.Rewards.RewardRegistry.Load(RewardPlugin is null ? Reward : null, RewardPlugin, RewardType);
    }

    /// <summary>
    /// SHA-256 of the files these options read whose content changes a run's numbers: the agent file of a
    /// <c>learned:DIR</c> policy (<c>agent_sha256</c>) and the reward plug-in (<c>reward_plugin_sha256</c>); null when
    /// there are none. A missing file is left out: the options check refuses it before any run.
    /// </summary>
    public JsonObject? InputFingerprint()
    {
        var inputs = new JsonObject();
        if (Policy.StartsWith("learned:", StringComparison.Ordinal) && Sha256(PpoAgent.PathIn(Policy["learned:".Length..])) is { } agent)
            inputs["agent_sha256"] = agent;
        if (RewardPlugin is not null && Sha256(RewardPlugin) is { } plugin)
            inputs["reward_plugin_sha256"] = plugin;
        return inputs.Count > 0 ? inputs : null;

        static string? Sha256(string file)
        {
            if (!File.Exists(file)) return null;
            using var stream = File.OpenRead(file);
            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        }
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

using RLMix.Agents.Networks;
using RLMix.Envs;
using RLMix.Envs.Mixup;
using RLMix.Envs.Spaces;
using RLMix.Errors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

/// <summary>
/// A PPO agent: its network, Adam optimizer, seeded generator (actions and minibatch order), options,
/// spec, counters, and the state of an unfinished rollout (buffer, last observation, episode
/// statistics), so that a saved agent continues training exactly where it stopped. It is also the
/// learner both training paths drive (<see cref="Record"/>, <see cref="UpdateIfFull"/>): the env loop
/// of <c>rlmix agent train</c> (<see cref="Ppo"/>) and the online <c>rlmix train --method rlmix</c>.
/// <para>
/// On disk: one file, <see cref="FileName"/>, in the checkpoint format (magic, SHA-256 of the
/// content; see <c>AgentFile</c>): the description (format, options, spec, counters), the network
/// weights, and the training state (optimizer, generator, rollout buffer, last observation, episode
/// statistics). SB3 saves neither RNG nor buffer; here an interrupted training resumes bit for bit,
/// given the env continues from the same state.
/// </para>
/// </summary>
public sealed partial class PpoAgent : IDisposable
{
    const int RecentEpisodeCount = 100;   // SB3's ep_info_buffer length

    readonly Queue<(double Reward, int Length)> recentEpisodes = new();
    Dictionary<string, Tensor>? lastObservation;

    PpoAgent(PpoOptions options, AgentSpec spec, long seed)
    {
        options.Validate();
        AgentSizes.Validate(spec, options, "PPO agent");
        Options = options;
        Spec = spec;
        Seed = seed;
        Generator = new Generator(unchecked((ulong)seed));
        Network = PolicyNetworks.Create(options, spec, Generator);
        Optimizer = optim.Adam(Network.parameters(), lr: options.LearningRate, eps: options.AdamEps);
        RewardWidth = options.PerImageCredit ? spec.BatchSize : 1;
        Buffer = new RolloutBuffer(options.NSteps, spec.ObservationShapes, spec.BatchSize, RewardWidth, options.Gamma, options.GaeLambda);
    }

    /// <summary>Creates an untrained agent for <paramref name="spec"/>; <paramref name="seed"/> seeds initialization, actions and minibatches.</summary>
    public static PpoAgent Create(AgentSpec spec, PpoOptions? options = null, long seed = 0) => new(options ?? PpoOptions.Default, spec, seed);

    /// <summary>Creates an untrained agent for <paramref name="env"/>'s spaces and observation layout (<see cref="IObservationLayoutEnv"/>).</summary>
    public static PpoAgent Create<TObs>(IEnv<TObs, Tensor> env, PpoOptions? options = null, long seed = 0) where TObs : notnull =>
        Create(AgentSpec.FromSpaces(env.ObservationSpace, env.ActionSpace, LayoutOf(env)), options, seed);

    /// <summary>The observation layout of <paramref name="env"/>, null for an env without a saliency grid.</summary>
    static ObservationLayout? LayoutOf<TObs>(IEnv<TObs, Tensor> env) where TObs : notnull => (env as IObservationLayoutEnv)?.Layout;

    /// <summary>Hyperparameters.</summary>
    public PpoOptions Options { get; }

    /// <summary>The observation/action layout the agent was built for.</summary>
    public AgentSpec Spec { get; }

    /// <summary>The seed the agent was created with.</summary>
    public long Seed { get; }

    /// <summary>The actor-critic network.</summary>
    public PolicyNetwork Network { get; }

    /// <summary>Adam with SB3's eps.</summary>
    public Adam Optimizer { get; }

    /// <summary>The agent's generator: action sampling during training and minibatch order.</summary>
    public Generator Generator { get; }

    /// <summary>R: reward columns (1, or B with per-image credit).</summary>
    public int RewardWidth { get; }

    /// <summary>Environment steps taken in training.</summary>
    public long NumTimesteps { get; private set; }

    /// <summary>Rollout-and-update iterations done.</summary>
    public int Iterations { get; private set; }

    /// <summary>Gradient epochs done (SB3's <c>n_updates</c>).</summary>
    public long NUpdates { get; private set; }

    /// <summary>Episodes completed in training.</summary>
    public int EpisodesCompleted { get; private set; }

    /// <summary>The rollout being collected.</summary>
    public RolloutBuffer Buffer { get; }

    /// <summary>The observation the next training step acts on (null before the first reset).</summary>
    public IReadOnlyDictionary<string, Tensor>? LastObservation => lastObservation;

    /// <summary>Whether <see cref="LastObservation"/> starts an episode.</summary>
    public bool LastEpisodeStart { get; private set; } = true;

    /// <summary>Undiscounted reward of the episode in progress.</summary>
    public double CurrentEpisodeReward { get; private set; }

    /// <summary>Length of the episode in progress.</summary>
    public int CurrentEpisodeLength { get; private set; }

    /// <summary>Reward and length of the last (up to) 100 episodes, for <c>rollout/ep_rew_mean</c>.</summary>
    public IReadOnlyCollection<(double Reward, int Length)> RecentEpisodes => recentEpisodes;

    /// <summary>Picks actions <c>[B]</c> for one observation: the most likely (deterministic) or sampled with <paramref name="generator"/> (default: the agent's).</summary>
    public Tensor Act(IReadOnlyDictionary<string, Tensor> observation, bool deterministic, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = Network.forward(ObservationTensors.Unsqueeze(observation));
        var logits = output.Logits[0];
        var actions = deterministic ? MultiCategorical.Mode(logits) : MultiCategorical.Sample(logits, generator ?? Generator);
        return actions.MoveToOuterDisposeScope();
    }

    /// <summary>V of one observation, <c>[R]</c>.</summary>
    public Tensor PredictValues(IReadOnlyDictionary<string, Tensor> observation)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Network.forward(ObservationTensors.Unsqueeze(observation)).Values[0].MoveToOuterDisposeScope();
    }

    /// <summary>One training step's forward: sampled actions <c>[B]</c>, values <c>[R]</c> and log-probabilities <c>[R]</c> (joint: the sum over images).</summary>
    public (Tensor Actions, Tensor Values, Tensor LogProbs) Sample(IReadOnlyDictionary<string, Tensor> observation)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var output = Network.forward(ObservationTensors.Unsqueeze(observation));
        var logits = output.Logits[0];                                      // [B, K]
        var actions = MultiCategorical.Sample(logits, Generator);
        var logProbs = MultiCategorical.LogProbs(logits, actions);          // [B]
        if (!Options.PerImageCredit) logProbs = logProbs.sum(-1, keepdim: true);
        return (actions.MoveToOuterDisposeScope(), output.Values[0].MoveToOuterDisposeScope(), logProbs.MoveToOuterDisposeScope());
    }

    /// <summary>Throws <see cref="UsageException"/> unless the agent can act in an env with these spaces and observation layout (null: no saliency grid).</summary>
    public void EnsureFits(ISpace observationSpace, ISpace actionSpace, ObservationLayout? layout, string? name = null) =>
        Spec.EnsureFits(AgentSpec.FromSpaces(observationSpace, actionSpace, layout), Network.AnyBatchSize, name ?? "(in memory)");

    /// <summary>Throws <see cref="UsageException"/> unless the agent can train in <paramref name="env"/> (same batch size, as the rollout buffer is sized for it).</summary>
    public void EnsureFitsForTraining<TObs>(IEnv<TObs, Tensor> env) where TObs : notnull =>
        Spec.EnsureFits(AgentSpec.FromSpaces(env.ObservationSpace, env.ActionSpace, LayoutOf(env)), anyBatchSize: false, "(training)");

    void DisposeLastObservation()
    {
        if (lastObservation is null) return;
        foreach (var t in lastObservation.Values) t.Dispose();
        lastObservation = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DisposeLastObservation();
        Buffer.Dispose();
        Optimizer.Dispose();
        Network.Dispose();
        Generator.Dispose();
    }
}

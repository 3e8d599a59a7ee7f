using System.Text.Json;
using RLMix.Agents.Networks;
using RLMix.Envs;
using RLMix.Envs.Spaces;
using RLMix.Errors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

/// <summary>
/// A PPO agent: its network, Adam optimizer, seeded generator (actions and minibatch order), options,
/// spec, counters, and the state of an unfinished rollout (buffer, last observation, episode
/// statistics), so that a saved agent continues training exactly where it stopped.
/// <para>
/// On disk (a directory): <c>agent.json</c> (format, options, spec, counters), <c>agent.bin</c>
/// (network weights, TorchSharp format) and <c>training.bin</c> (optimizer state, generator state,
/// rollout buffer and position, last observation, episode statistics). SB3 saves neither RNG nor
/// buffer; here an interrupted training resumes bit for bit, given the env continues from the same state.
/// </para>
/// </summary>
public sealed class PpoAgent : IDisposable
{
    /// <summary>Description file of a saved agent.</summary>
    public const string JsonFile = "policy.json";

    /// <summary>Network weights of a saved agent.</summary>
    public const string WeightsFile = "agent.bin";

    /// <summary>Training state of a saved agent (optimizer, RNG, rollout).</summary>
    public const string StateFile = "training.bin";

    const string Format = "rlmix-agent/1";
    const int RecentEpisodeCount = 100;   // SB3's ep_info_buffer length

    static readonly JsonSerializerOptions json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

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

    /// <summary>Creates an untrained agent for <paramref name="env"/>'s spaces.</summary>
    /// <param name="observationGrid">The saliency grid a flat observation's rows start with (MixupEnv's, 8).</param>
    public static PpoAgent Create<TObs>(IEnv<TObs, Tensor> env, PpoOptions? options = null, long seed = 0, int observationGrid = 8) where TObs : notnull =>
        Create(AgentSpec.FromSpaces(env.ObservationSpace, env.ActionSpace, observationGrid), options, seed);

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
    public Generator Generator { get; private set; }

    /// <summary>R: reward columns (1, or B with per-image credit).</summary>
    public int RewardWidth { get; }

    /// <summary>Environment steps taken in training.</summary>
    public long NumTimesteps { get; internal set; }

    /// <summary>Rollout-and-update iterations done.</summary>
    public int Iterations { get; internal set; }

    /// <summary>Gradient epochs done (SB3's <c>n_updates</c>).</summary>
    public long NUpdates { get; internal set; }

    /// <summary>Episodes completed in training.</summary>
    public int EpisodesCompleted { get; internal set; }

    /// <summary>The rollout being collected.</summary>
    public RolloutBuffer Buffer { get; }

    /// <summary>The observation the next training step acts on (null before the first reset).</summary>
    public IReadOnlyDictionary<string, Tensor>? LastObservation => lastObservation;

    /// <summary>Whether <see cref="LastObservation"/> starts an episode.</summary>
    public bool LastEpisodeStart { get; internal set; } = true;

    /// <summary>Undiscounted reward of the episode in progress.</summary>
    public double CurrentEpisodeReward { get; internal set; }

    /// <summary>Length of the episode in progress.</summary>
    public int CurrentEpisodeLength { get; internal set; }

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

    /// <summary>Throws <see cref="UsageException"/> unless the agent can act in an env with these spaces.</summary>
    public void EnsureFits(ISpace observationSpace, ISpace actionSpace, string? name = null) =>
        Spec.EnsureFits(AgentSpec.FromSpaces(observationSpace, actionSpace, Spec.Grid > 0 ? Spec.Grid : 8), Network.AnyBatchSize, name ?? "(in memory)");

    /// <summary>Throws <see cref="UsageException"/> unless the agent can train in an env with these spaces (same batch size, as the rollout buffer is sized for it).</summary>
    public void EnsureFitsForTraining(ISpace observationSpace, ISpace actionSpace) =>
        Spec.EnsureFits(AgentSpec.FromSpaces(observationSpace, actionSpace, Spec.Grid > 0 ? Spec.Grid : 8), anyBatchSize: false, "(training)");

    internal void SetLastObservation(IReadOnlyDictionary<string, Tensor> observation, bool episodeStart)
    {
        var copy = ObservationTensors.Clone(observation);
        DisposeLastObservation();
        lastObservation = copy;
        LastEpisodeStart = episodeStart;
    }

    internal void RecordEpisode(double reward, int length)
    {
        recentEpisodes.Enqueue((reward, length));
        while (recentEpisodes.Count > RecentEpisodeCount) recentEpisodes.Dequeue();
        EpisodesCompleted++;
    }

    /// <summary>Sets every parameter group's learning rate.</summary>
    internal void SetLearningRate(double lr)
    {
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = lr;
    }

    /// <summary>Saves everything to <paramref name="directory"/> (created if needed; files are written to temporaries, then renamed).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var description = new AgentFile(Format, Options, Spec, Seed, NumTimesteps, Iterations, NUpdates, EpisodesCompleted);
        WriteAtomically(Path.Combine(directory, JsonFile), path => File.WriteAllText(path, JsonSerializer.Serialize(description, json)));
        WriteAtomically(Path.Combine(directory, WeightsFile), path => Network.save(path));
        WriteAtomically(Path.Combine(directory, StateFile), path =>
        {
            using var stream = File.Create(path);
            using var writer = new BinaryWriter(stream);
            Optimizer.save_state_dict(writer);
            using (var state = Generator.get_state()) state.Save(writer);
            Buffer.Save(writer);
            writer.Write(lastObservation is not null);
            if (lastObservation is not null)
                foreach (var key in lastObservation.Keys.Order(StringComparer.Ordinal))
                {
                    writer.Write(key);
                    lastObservation[key].Save(writer);
                }
            writer.Write(LastEpisodeStart);
            writer.Write(CurrentEpisodeReward);
            writer.Write(CurrentEpisodeLength);
            writer.Write(recentEpisodes.Count);
            foreach (var (reward, length) in recentEpisodes)
            {
                writer.Write(reward);
                writer.Write(length);
            }
        });
    }

    /// <summary>Loads an agent saved by <see cref="Save"/>; throws <see cref="UsageException"/> naming the directory when it is missing or unreadable.</summary>
    public static PpoAgent Load(string directory)
    {
        var jsonPath = Path.Combine(directory, JsonFile);
        if (!File.Exists(jsonPath))
            throw new UsageException($"No agent in '{directory}': {JsonFile} is missing. Train one with `rlmix agent train --out {directory}`.");
        AgentFile description;
        try
        {
            description = JsonSerializer.Deserialize<AgentFile>(File.ReadAllText(jsonPath), json)
                          ?? throw new JsonException("empty document");
        }
        catch (JsonException e)
        {
            throw new UsageException($"'{jsonPath}' is not a valid agent description ({e.Message}).", e);
        }
        if (description.Format != Format)
            throw new UsageException($"'{jsonPath}' has format '{description.Format}'; this version reads '{Format}'.");
        AgentSizes.Validate(description.Spec, description.Options, $"'{jsonPath}' is damaged or was edited (train the agent again)");

        var agent = new PpoAgent(description.Options, description.Spec, description.Seed)
        {
            NumTimesteps = description.NumTimesteps,
            Iterations = description.Iterations,
            NUpdates = description.NUpdates,
            EpisodesCompleted = description.EpisodesCompleted,
        };
        try
        {
            agent.Network.load(Path.Combine(directory, WeightsFile));
            var statePath = Path.Combine(directory, StateFile);
            if (File.Exists(statePath)) agent.LoadState(statePath);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or EndOfStreamException)
        {
            agent.Dispose();
            throw new UsageException($"The agent in '{directory}' cannot be read ({e.Message}); its files are incomplete or from another version.", e);
        }
        return agent;
    }

    /// <summary>Loads an agent and checks that it fits an env with these spaces.</summary>
    public static PpoAgent Load(string directory, ISpace observationSpace, ISpace actionSpace)
    {
        var agent = Load(directory);
        try { agent.EnsureFits(observationSpace, actionSpace, $"'{directory}'"); }
        catch { agent.Dispose(); throw; }
        return agent;
    }

    void LoadState(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        Optimizer.load_state_dict(reader);
        using (var state = TensorExtensionMethods.Load(reader)) Generator.set_state(state);
        Buffer.Load(reader);
        if (reader.ReadBoolean())
        {
            var observation = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var _ in Spec.ObservationShapes.Keys)
            {
                var key = reader.ReadString();
                observation[key] = TensorExtensionMethods.Load(reader).DetachFromDisposeScope();
            }
            DisposeLastObservation();
            lastObservation = observation;
        }
        LastEpisodeStart = reader.ReadBoolean();
        CurrentEpisodeReward = reader.ReadDouble();
        CurrentEpisodeLength = reader.ReadInt32();
        var count = reader.ReadInt32();
        recentEpisodes.Clear();
        for (var i = 0; i < count; i++) recentEpisodes.Enqueue((reader.ReadDouble(), reader.ReadInt32()));
    }

    static void WriteAtomically(string path, Action<string> write)
    {
        var temporary = path + ".tmp";
        write(temporary);
        File.Move(temporary, path, overwrite: true);
    }

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

    /// <summary>The contents of <c>agent.json</c>.</summary>
    sealed record AgentFile(string Format, PpoOptions Options, AgentSpec Spec, long Seed, long NumTimesteps, int Iterations, long NUpdates, int EpisodesCompleted);
}

using RLMix.Agents.Learning;
using RLMix.Agents.Metrics;
using RLMix.Data;
using RLMix.Envs.Mixup;
using RLMix.Envs.Rewards;
using RLMix.Envs.Spaces;
using RLMix.Errors;
using RLMix.Mixing;
using RLMix.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Agents;

/// <summary>
/// RL-Mix as a training method (<c>rlmix train --method rlmix</c>): per batch, the clean pass gives
/// the saliency and logits (the observation), a policy picks each image's q, and
/// <see cref="RLMixStep"/> mixes, trains and computes the reward, exactly as one
/// <see cref="MixupEnv"/> step does. With the <c>online</c> policy a PPO agent learns during the
/// classifier's training, as in the paper: each step's transition goes into the agent's rollout
/// buffer, and a full buffer is trained on at the next step, once the next observation gives the
/// bootstrap value.
/// </summary>
/// <remarks>
/// Online learning runs the classifier's training as one continuing stream: with the per-image preset the
/// epoch boundary is not an episode end (GAE runs across it; SB3's truncation bootstrap would only cut
/// the lambda-return there), with the paper preset every epoch end is terminal, as the official code.
/// The online agent's learning rate follows the run's progress (steps / total steps).
/// </remarks>
public sealed class RLMixMethod(RLMixOptions options) : ITrainingMethod, IEpochStats
{
    const int ObservationGrid = 8;
    readonly IRewardFunction reward = RewardRegistry.Load(options.RewardPlugin is null ? options.Reward : null, options.RewardPlugin, options.RewardType);
    readonly MixupEnvOptions envOptions = options.Env();
    readonly PpoOptions ppo = options.Ppo();
    readonly MetricLogger logger = MetricLogger.None;
    PpoAgent? agent;            // online or learned
    string ObservationKind => agent?.Spec.ObservationKind ?? (ppo.Network == "paper" ? "dict" : "flat");
    bool trainPending;          // the buffer is full: train once the next observation is known
    double rewardSum;
    long rewardCount;
    static int K => RMix.TopKValues.Count;
    long[] qByClass = [];       // [class * K + q index] counts: which q the policy picks for each class

    /// <inheritdoc />
    public string Name => "rlmix";

    /// <inheritdoc />
    public IEnumerable<Parameter> ExtraParameters => [];

    /// <summary>For examples: R-Mix with uniform q (what the policy's choices are drawn from before it learns).</summary>
    public IMixer Mixer => new RMixMixer(new RMixOptions { Alpha = options.Alpha, Patches = options.Patches });

    /// <summary>The online or loaded agent (null for random and fixed policies, and before the first step).</summary>
    public PpoAgent? Agent => agent;

    /// <inheritdoc />
    public Tensor TrainStep(Trainer trainer, Batch batch, MethodStep step)
    {
        using var scope = NewDisposeScope();
        int b = (int)batch.Labels.shape[0];
        var backend = new TrainerMixupBackend(trainer);
        EnsureAgent(b, step);
        var (saliency, logits) = backend.CleanPass(batch);
        var observation = Observation(saliency, logits);

        Tensor actions;
        Tensor? values = null, logProbs = null;
        if (options.Policy == "online")
        {
            if (trainPending) TrainAgent(observation, episodeEnded: envOptions.TerminalAtEpochEnd && step.BatchIndex == 0, step);
            (actions, values, logProbs) = agent!.Sample(observation);
        }
        else if (options.Policy == "random")
            actions = randint(0, RMix.TopKValues.Count, [b], generator: step.Generator, dtype: int64);   // uniform q per image: R-Mix
        else if (options.Policy.StartsWith("fixed:", StringComparison.Ordinal))
            actions = full(b, FixedIndex(options.Policy), dtype: int64);
        else
            actions = agent!.Act(observation, deterministic: true);

        var draw = RLMixStep.Draw(envOptions, b, step.Generator, batch.Inputs.device);
        var result = RLMixStep.Run(backend, batch, saliency, logits, actions, draw, reward, step.NumClasses, ObservationGrid);

        if (options.Policy == "online")
        {
            var rewards = result.Reward.dim() == 0 || agent!.RewardWidth == 1 ? result.Reward.to(float32).mean().reshape(1) : result.Reward.to(float32);
            bool episodeStart = agent!.NumTimesteps == 0 || (envOptions.TerminalAtEpochEnd && step.BatchIndex == 0);
            agent.Buffer.Add(observation, actions, rewards, episodeStart, values!, logProbs!);
            agent.NumTimesteps++;
            trainPending = agent.Buffer.Full;
        }
        rewardSum += result.Reward.to(float64).mean().item<double>();
        rewardCount++;
        if (qByClass.Length != step.NumClasses * K) qByClass = new long[step.NumClasses * K];
        var counts = bincount((batch.Labels * K + actions.to(int64)).cpu(), minlength: qByClass.Length).data<long>().ToArray();
        for (int i = 0; i < qByClass.Length; i++) qByClass[i] += counts[i];
        return result.Step.Loss.detach().MoveToOuterDisposeScope();
    }

    /// <summary>GAE on the full buffer, bootstrapped from the value of <paramref name="next"/>, then one PPO update.</summary>
    void TrainAgent(IReadOnlyDictionary<string, Tensor> next, bool episodeEnded, MethodStep step)
    {
        using (var last = agent!.PredictValues(next))
            agent.Buffer.ComputeReturnsAndAdvantage(last, episodeEnded);
        agent.Iterations++;
        double progressRemaining = step.TotalSteps > 0 ? Math.Max(0, 1.0 - (double)agent.NumTimesteps / step.TotalSteps) : 1.0;
        Ppo.Train(agent, progressRemaining, logger);
        agent.Buffer.Reset();
        trainPending = false;
    }

    IReadOnlyDictionary<string, Tensor> Observation(Tensor saliency, Tensor logits)
    {
        var pooled = Saliency.PoolAndNormalize(saliency, ObservationGrid);                                   // eq. 3
        return ObservationKind == "dict"
            ? new Dictionary<string, Tensor> { [DictObservationEnv.SaliencyKey] = pooled.to(float32), [DictObservationEnv.LogitsKey] = logits.to(float32) }
            : new Dictionary<string, Tensor> { [AgentSpec.FlatKey] = cat([pooled.flatten(1).to(float32), logits.to(float32)], 1) };
    }

    void EnsureAgent(int batchSize, MethodStep step)
    {
        int numClasses = step.NumClasses;
        if (options.Policy == "random" || options.Policy.StartsWith("fixed:", StringComparison.Ordinal)) return;
        var spec = new AgentSpec(ObservationKind, batchSize, ObservationGrid * ObservationGrid + numClasses, ObservationGrid, RMix.TopKValues.Count);
        if (agent is null)
        {
            if (options.Policy == "online") agent = PpoAgent.Create(spec, OnlinePpo(step.TotalSteps), seed: randint(0, int.MaxValue, [1], generator: step.Generator, dtype: int64).item<long>());
            else if (options.Policy.StartsWith("learned:", StringComparison.Ordinal)) agent = PpoAgent.Load(options.Policy["learned:".Length..]);
            else throw new UsageException($"Unknown rlmix.policy '{options.Policy}'. Allowed values: online, random, fixed:Q, learned:DIR.");
        }
        agent.Spec.EnsureFits(spec, anyBatchSize: agent.Options.Network == "per-image", options.Policy);
    }

    /// <summary>
    /// The online agent's PPO options. Without an explicit n_steps, the preset's rollout (2048 for per-image)
    /// is capped at a tenth of the run's steps (at least 16), so that the agent updates during the
    /// classifier's training rather than never (a 2-epoch run on fashion-mnist-mini has 120 steps).
    /// </summary>
    PpoOptions OnlinePpo(long totalSteps)
    {
        if (options.NSteps is not null || totalSteps <= 0) return ppo;
        int cap = (int)Math.Max(16, totalSteps / 10);
        return ppo.NSteps <= cap ? ppo : ppo with { NSteps = cap, BatchSize = Math.Min(ppo.BatchSize, cap) };
    }

    static long FixedIndex(string policy)
    {
        if (!double.TryParse(policy["fixed:".Length..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var q))
            throw new UsageException($"rlmix.policy '{policy}': Q must be a number, e.g. fixed:0.55.");
        var values = RMix.TopKValues;
        int index = Enumerable.Range(0, values.Count).MinBy(i => Math.Abs(values[i] - q));
        if (Math.Abs(values[index] - q) > 1e-3)
            throw new UsageException($"rlmix.policy '{policy}': Q must be one of the top-k values {string.Join(", ", values.Select(v => v.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)))}.");
        return index;
    }

    /// <summary>How often each q was chosen this epoch, over all classes.</summary>
    long[] QCounts()
    {
        var counts = new long[K];
        for (int i = 0; i < qByClass.Length; i++) counts[i % K] += qByClass[i];
        return counts;
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> TakeEpochStats()
    {
        var stats = new Dictionary<string, double> { ["mean_reward"] = rewardCount > 0 ? rewardSum / rewardCount : double.NaN };
        var qCounts = QCounts();
        for (int i = 0; i < K; i++) stats[$"q_{i}"] = qCounts[i];
        for (int i = 0; i < qByClass.Length; i++) stats[$"q_class{i / K}_{i % K}"] = qByClass[i];
        rewardSum = 0;
        rewardCount = 0;
        Array.Clear(qByClass);
        return stats;
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(rewardSum); writer.Write(rewardCount); writer.Write(trainPending);
        foreach (var c in QCounts()) writer.Write(c);   // derived, still written so that the checkpoint format stays as it was
        writer.Write(qByClass.Length);
        foreach (var c in qByClass) writer.Write(c);
        bool online = options.Policy == "online" && agent is not null;
        writer.Write(online);
        if (!online) return;
        // The agent saves itself as a directory (weights, optimizer, RNG, rollout buffer); carry its files.
        string dir = Directory.CreateTempSubdirectory("rlmix-agent-").FullName;
        try
        {
            agent!.Save(dir);
            var files = Directory.GetFiles(dir);
            writer.Write(files.Length);
            foreach (var f in files) { writer.Write(Path.GetFileName(f)); var bytes = File.ReadAllBytes(f); writer.Write(bytes.Length); writer.Write(bytes); }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <inheritdoc />
    public void LoadState(BinaryReader reader)
    {
        rewardSum = reader.ReadDouble(); rewardCount = reader.ReadInt64(); trainPending = reader.ReadBoolean();
        for (int i = 0; i < K; i++) reader.ReadInt64();   // the q totals: derived from the per-class counts
        qByClass = new long[reader.ReadInt32()];
        for (int i = 0; i < qByClass.Length; i++) qByClass[i] = reader.ReadInt64();
        if (!reader.ReadBoolean()) return;
        string dir = Directory.CreateTempSubdirectory("rlmix-agent-").FullName;
        try
        {
            int n = reader.ReadInt32();
            for (int i = 0; i < n; i++)
            {
                string name = Path.GetFileName(reader.ReadString());
                File.WriteAllBytes(Path.Combine(dir, name), reader.ReadBytes(reader.ReadInt32()));
            }
            agent?.Dispose();
            agent = PpoAgent.Load(dir);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <inheritdoc />
    public void Dispose() => agent?.Dispose();

    /// <summary>Registers <c>rlmix</c> in the method registry (RLMix.Core cannot reference this assembly).</summary>
    public static void Register() =>
        MethodRegistry.Register("rlmix", s => new RLMixMethod(s.Get<RLMixOptions>("rlmix")));
}

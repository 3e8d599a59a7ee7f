using RLMix.Agents.Learning;
using RLMix.Agents.Metrics;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Envs.Mixup;
using RLMix.Envs.Rewards;
using RLMix.Envs.Spaces;
using RLMix.Errors;
using RLMix.Mixing;
using RLMix.Training;
using RLMix.Agents.Policies;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Agents;

/// <summary>
/// RL-Mix as a training method (<c>rlmix train --method rlmix</c>): per batch, the clean pass gives
/// the saliency and logits (the observation), a policy picks each image's q, and
/// <see cref="RLMixStep"/> mixes, trains and computes the reward, exactly as one
/// <see cref="MixupEnv"/> step does. With the <c>online</c> policy a PPO agent learns during the
/// classifier's training, as in the paper, through the same learner as <c>rlmix agent train</c>
/// (<see cref="PpoAgent.Record"/>, <see cref="PpoAgent.UpdateIfFull"/>): a step's transition is recorded
/// once the next batch's observation is known, with MixupEnv's episode ends (an epoch end is truncated
/// and bootstrapped from the next epoch's first observation; terminal with the paper preset).
/// <c>random</c>, <c>fixed:Q</c> and <c>learned:DIR</c> come from <see cref="PolicyFactory"/>.
/// </summary>
/// <remarks>
/// The run's last transition is never recorded (no observation follows it); the online agent is not
/// kept after the run, so this changes nothing. The online agent's learning rate follows the run's
/// progress (steps / total steps), and its rollout length follows <see cref="RolloutLength"/>.
/// </remarks>
public sealed class RLMixMethod(RLMixOptions options) : ITrainingMethod, IEpochStats, IPeriodicWork
{
    const string Online = "online";
    readonly IRewardFunction reward = options.RewardFunction();
    readonly MixupEnvOptions envOptions = options.Env();
    readonly RMixSampler sampler = new(options.RMix, "rlmix.rmix");
    readonly PpoOptions ppo = ValidatePolicy(options).Ppo();
    readonly MetricLogger logger = MetricLogger.None;
    PpoAgent? agent;            // the online learner
    IPolicy? policy;            // random, fixed or learned
    Transition? pending;        // the online agent's last step, waiting for the next observation
    bool updatesDeferred;       // rlmix bench: a full rollout is dropped, its update timed on its own (DeferPeriodicWork)
    double rewardSum;
    long rewardCount;
    int K => sampler.K;
    long[] qByClass = [];       // [class * K + q index] counts: which q the policy picks for each class

    /// <inheritdoc />
    public string Name => "rlmix";

    /// <inheritdoc />
    public IEnumerable<Parameter> ExtraParameters => [];

    /// <summary>For examples: R-Mix with uniform q (what the policy's choices are drawn from before it learns).</summary>
    public IMixer Mixer => new RMixMixer(options.RMix);

    /// <summary>The online agent (null for other policies, and before the first step).</summary>
    public PpoAgent? Agent => agent ?? (policy as LearnedPolicy)?.Agent;

    /// <inheritdoc />
    public IEnumerable<string> Plan(long totalSteps) =>
        options.Policy == Online && OnlinePpo(totalSteps).Note is { } note ? [note] : [];

    /// <inheritdoc />
    public Tensor TrainStep(Trainer trainer, Batch batch, MethodStep step)
    {
        using var scope = NewDisposeScope();
        int b = (int)batch.Labels.shape[0];
        var backend = new TrainerMixupBackend(trainer, options.RMix.Loss);
        EnsurePolicy(b, step);
        var (saliency, logits) = backend.CleanPass(batch);
        var observation = Observation(saliency, logits);

        Tensor? actions = null;      // null: R-Mix's sampler draws q uniformly (the random policy)
        Tensor? values = null, logProbs = null;
        if (agent is not null)
        {
            bool episodeStart = agent.LastObservation is null || step.BatchIndex == 0;
            if (pending is { } last)
            {
                // The previous batch ended its epoch when this one starts a new one: MixupEnv's episode end.
                bool terminated = step.BatchIndex == 0 && envOptions.TerminalAtEpochEnd;
                bool truncated = step.BatchIndex == 0 && !terminated;
                agent.Record(last.Actions, last.Values, last.LogProbs, last.Rewards, last.Reward, terminated, truncated, observation);
                last.Dispose();
                pending = null;
            }
            if (updatesDeferred && agent.Buffer.Full) agent.Buffer.Reset();
            agent.UpdateIfFull(observation, episodeStart, step.TotalSteps, logger);
            (actions, values, logProbs) = agent.Sample(agent.LastObservation!);
        }
        else if (policy is not RandomPolicy)
            actions = policy!.Act(observation);
        // The random policy leaves q to R-Mix's sampler: one draw in R-Mix's order (p, q unless the
        // policy chose, lambda, permutation), so --method rlmix with policy random is --method rmix.
        var draw = sampler.Draw(b, step.Generator, batch.Inputs.device, actions: actions);
        actions = draw.Actions!;
        var result = RLMixStep.Run(backend, batch, saliency, logits, draw, reward, Layout(step));
        double meanReward = result.Reward.to(float64).mean().item<double>();

        if (agent is not null)
            pending = new Transition(actions, values!, logProbs!, agent.RewardColumns(meanReward, result.Reward.dim() == 1 ? result.Reward : null), meanReward);
        rewardSum += meanReward;
        rewardCount++;
        if (qByClass.Length != step.NumClasses * K) qByClass = new long[step.NumClasses * K];
        var counts = bincount((batch.Labels * K + actions.to(int64).to(batch.Labels.device)).cpu(), minlength: qByClass.Length).data<long>().ToArray();
        for (int i = 0; i < qByClass.Length; i++) qByClass[i] += counts[i];
        return result.Step.Loss.detach().MoveToOuterDisposeScope();
    }

    IReadOnlyDictionary<string, Tensor> Observation(Tensor saliency, Tensor logits)
    {
        var pooled = Saliency.PoolAndNormalize(saliency, envOptions.ObservationGrid);                                   // eq. 3
        var kind = agent?.Spec.ObservationKind ?? (policy is not null && PolicyFactory.WantsDictObservation(policy) ? "dict" : "flat");
        return kind == "dict"
            ? new Dictionary<string, Tensor> { [DictObservationEnv.SaliencyKey] = pooled.to(float32), [DictObservationEnv.LogitsKey] = logits.to(float32) }
            : new Dictionary<string, Tensor> { [AgentSpec.FlatKey] = cat([pooled.flatten(1).to(float32), logits.to(float32)], 1) };
    }

    void EnsurePolicy(int batchSize, MethodStep step)
    {
        if (options.Policy != Online)
        {
            policy ??= PolicyFactory.CreateForMixup(options.Policy, batchSize, Layout(step), K, randomSource: step.Generator);
            if (policy is LearnedPolicy learned)
                learned.Agent.Spec.EnsureFits(AgentSpec.For(Layout(step), learned.Agent.Spec.ObservationKind, batchSize, K), learned.Agent.Network.AnyBatchSize, options.Policy);
            return;
        }
        agent ??= PpoAgent.Create(OnlineSpec(batchSize, step.NumClasses), OnlinePpo(step.TotalSteps).Options,
            seed: Seeds.Derive(unchecked((long)step.Generator.initial_seed()), "agent"));   // draws nothing: the R-Mix draws stay those of the env
        agent.Spec.EnsureFits(OnlineSpec(batchSize, step.NumClasses), anyBatchSize: false, "(online)");
    }

    AgentSpec OnlineSpec(int batchSize, int numClasses) =>
        AgentSpec.For(new ObservationLayout(envOptions.ObservationGrid, numClasses), ppo.Network == "paper" ? "dict" : "flat", batchSize, K);

    /// <summary>
    /// The online agent's PPO update (<see cref="PpoMinibatchWork"/>; the rollout length of a run of unknown length,
    /// i.e. the preset's or the options'); from now on a full rollout is dropped instead of trained on. Null for the
    /// other policies, which do no periodic work.
    /// </summary>
    public PeriodicWorkUnit? DeferPeriodicWork(int batchSize, int numClasses)
    {
        if (options.Policy != Online) return null;
        updatesDeferred = true;
        return PpoMinibatchWork.Create(OnlineSpec(batchSize, numClasses), OnlinePpo(0).Options, seed: 0);
    }

    /// <summary>MixupEnv's observation layout for this run: the env options' grid and the classifier's classes.</summary>
    ObservationLayout Layout(MethodStep step) => new(envOptions.ObservationGrid, step.NumClasses);

    (PpoOptions Options, string? Note) OnlinePpo(long totalSteps) => RolloutLength.ForRun(ppo, options.NSteps is not null, totalSteps, options.Preset);

    static RLMixOptions ValidatePolicy(RLMixOptions o)
    {
        if (o.Policy != Online)
        {
            try { PolicyFactory.Check(o.Policy, o.RMix.K); }   // a learned agent is loaded (checksum, weights) before any data
            catch (UsageException e) { throw new UsageException($"rlmix.policy: {e.Message} (or online)", e); }
        }
        return o;
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
        var stats = new Dictionary<string, double> { [RLMixEpochStats.MeanReward] = rewardCount > 0 ? rewardSum / rewardCount : double.NaN };
        var qCounts = QCounts();
        for (int i = 0; i < K; i++) stats[RLMixEpochStats.QCount(i)] = qCounts[i];
        for (int i = 0; i < qByClass.Length; i++) stats[RLMixEpochStats.QCountOfClass(i / K, i % K)] = qByClass[i];
        rewardSum = 0;
        rewardCount = 0;
        Array.Clear(qByClass);
        return stats;
    }

    /// <inheritdoc />
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(rewardSum); writer.Write(rewardCount); writer.Write(false);   // was "an update pending", now part of the agent's rollout
        foreach (var c in QCounts()) writer.Write(c);   // derived, still written so that the checkpoint format stays as it was
        writer.Write(qByClass.Length);
        foreach (var c in qByClass) writer.Write(c);
        writer.Write(agent is not null);
        if (agent is null) return;
        var bytes = agent.ToSections().ToArray();
        writer.Write(bytes.Length);
        writer.Write(bytes);
        writer.Write(pending is not null);
        pending?.Save(writer);
    }

    /// <inheritdoc />
    public void LoadState(BinaryReader reader)
    {
        rewardSum = reader.ReadDouble(); rewardCount = reader.ReadInt64(); reader.ReadBoolean();
        for (int i = 0; i < K; i++) reader.ReadInt64();   // the q totals: derived from the per-class counts
        qByClass = new long[reader.ReadInt32()];
        for (int i = 0; i < qByClass.Length; i++) qByClass[i] = reader.ReadInt64();
        if (!reader.ReadBoolean()) return;
        if (options.Policy != Online)
            throw new UsageException($"The checkpoint holds an online RL-Mix agent, but rlmix.policy is '{options.Policy}'; resume with the policy it was written with.");
        CheckpointSections sections;
        try { sections = CheckpointSections.ReadFrom(reader.ReadBytes(reader.ReadInt32())); }
        catch (InvalidDataException e) { throw new DataException($"The checkpoint's online agent is malformed ({e.Message}).", e); }
        agent?.Dispose();
        agent = PpoAgent.FromSections(sections, "the checkpoint's online agent");
        pending?.Dispose();
        pending = reader.ReadBoolean() ? Transition.Load(reader) : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        pending?.Dispose();
        agent?.Dispose();
        (policy as IDisposable)?.Dispose();
    }

    /// <summary>An online step's actions, values, log-probabilities and reward columns, kept until the next observation.</summary>
    sealed class Transition(Tensor actions, Tensor values, Tensor logProbs, Tensor rewards, double reward) : IDisposable
    {
        public Tensor Actions { get; } = actions.detach().clone().DetachFromDisposeScope();
        public Tensor Values { get; } = values.detach().clone().DetachFromDisposeScope();
        public Tensor LogProbs { get; } = logProbs.detach().clone().DetachFromDisposeScope();
        public Tensor Rewards { get; } = rewards.detach().clone().DetachFromDisposeScope();
        public double Reward { get; } = reward;

        public void Save(BinaryWriter w)
        {
            foreach (var t in new[] { Actions, Values, LogProbs, Rewards }) t.Save(w);
            w.Write(Reward);
        }

        public static Transition Load(BinaryReader r)
        {
            using var scope = NewDisposeScope();
            var t = Enumerable.Range(0, 4).Select(_ => TensorExtensionMethods.Load(r)).ToArray();
            return new Transition(t[0], t[1], t[2], t[3], r.ReadDouble());
        }

        public void Dispose()
        {
            foreach (var t in new[] { Actions, Values, LogProbs, Rewards }) t.Dispose();
        }
    }

    /// <summary>
    /// <paramref name="methods"/> plus <c>rlmix</c> (RLMix.Core cannot reference this assembly). The
    /// content of the files the options name (a <c>learned:DIR</c> agent, a reward plug-in) is part of the run's
    /// identity (<see cref="RLMixOptions.InputFingerprint"/>), so a finished run or comparison cell is not reused after one changed.
    /// </summary>
    public static MethodCatalog AddTo(MethodCatalog methods) =>
        methods.With<RLMixOptions>("rlmix", o => new RLMixMethod(o), inputs: o => o.InputFingerprint());
}

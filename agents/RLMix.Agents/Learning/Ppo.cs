using RLMix.Agents.Metrics;
using RLMix.Envs;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

/// <summary>
/// Proximal Policy Optimization (Schulman et al. 2017) as Stable-Baselines3 runs it, written to read
/// top to bottom like CleanRL: collect a rollout, compute GAE advantages, optimize the clipped
/// objective over shuffled minibatches for several epochs, log SB3's metrics.
/// </summary>
public static class Ppo
{
    /// <summary>
    /// Trains <paramref name="agent"/> in <paramref name="env"/> until it has taken
    /// <paramref name="totalTimesteps"/> steps in all (an absolute count, so a loaded agent continues
    /// where it stopped; like SB3, the last rollout is completed even if it passes the total), or until
    /// <paramref name="onStep"/> returns false (a rollout that the stopping step completed is still
    /// trained on). An unfinished rollout stays in the agent (and in its saved file). The learning-rate
    /// schedule's progress is NumTimesteps / totalTimesteps.
    /// </summary>
    public static void Learn<TObs>(PpoAgent agent, IEnv<TObs, Tensor> env, long totalTimesteps, MetricLogger? logger = null,
        Func<PpoStepInfo, bool>? onStep = null) where TObs : notnull
    {
        agent.EnsureFitsForTraining(env);
        if (agent.NumTimesteps >= totalTimesteps) return;
        while (true)
        {
            var info = Step(agent, env, totalTimesteps, logger, onStep);
            if (!info.KeepGoing || (info.Updated && agent.NumTimesteps >= totalTimesteps)) return;
        }
    }

    /// <summary>
    /// Steps <paramref name="env"/> with the agent's sampled actions until the buffer is full and trained on
    /// (true) or the callback asks to stop (false). The env is reset first when the agent has no observation yet.
    /// </summary>
    public static bool CollectRollout<TObs>(PpoAgent agent, IEnv<TObs, Tensor> env, Func<PpoStepInfo, bool>? onStep = null,
        long totalTimesteps = long.MaxValue, MetricLogger? logger = null) where TObs : notnull
    {
        while (true)
        {
            var info = Step(agent, env, totalTimesteps, logger, onStep);
            if (!info.KeepGoing) return false;
            if (info.Updated) return true;
        }
    }

    /// <summary>
    /// One environment step of PPO training (the body of SB3's <c>collect_rollouts</c> loop), through the
    /// agent's learner API: sample on <see cref="PpoAgent.LastObservation"/>, step, <see cref="PpoAgent.Record"/>
    /// the transition (a truncated step's reward gets gamma * V(final observation), SB3's time-limit
    /// bootstrap), reset a finished env, then <see cref="PpoAgent.UpdateIfFull"/> with the observation
    /// the next step acts on. <paramref name="onStep"/> runs before the reset, while the info's tensors are
    /// valid; when it returns false a finished env is not reset (its run may be over: MixupEnv's last epoch).
    /// </summary>
    public static PpoStepInfo Step<TObs>(PpoAgent agent, IEnv<TObs, Tensor> env, long totalTimesteps, MetricLogger? logger = null,
        Func<PpoStepInfo, bool>? onStep = null) where TObs : notnull
    {
        if (agent.LastObservation is null)
            agent.UpdateIfFull(ObservationTensors.From(env.Reset().Observation), episodeStart: true, totalTimesteps, logger);
        using var scope = NewDisposeScope();
        var (actions, values, logProbs) = agent.Sample(agent.LastObservation!);
        var outcome = env.Step(actions);
        var episode = agent.Record(actions, values, logProbs, RewardColumns(agent, outcome), outcome.Reward,
            outcome.Terminated, outcome.Truncated, ObservationTensors.From(outcome.Observation));
        var info = new PpoStepInfo(agent.NumTimesteps, outcome.Reward, outcome.Terminated, outcome.Truncated,
            agent.EpisodesCompleted, episode?.Reward, episode?.Length, outcome.Info);
        var keepGoing = onStep?.Invoke(info) ?? true;
        var next = outcome.Done && keepGoing ? env.Reset().Observation : outcome.Observation;
        var updated = agent.UpdateIfFull(ObservationTensors.From(next), episodeStart: outcome.Done, totalTimesteps, logger);
        return info with { KeepGoing = keepGoing, Updated = updated };
    }

    /// <summary>One PPO update on the full buffer (SB3's <c>PPO.train</c>); <see cref="PpoAgent.UpdateIfFull"/> calls it and counts it.</summary>
    public static void Train(PpoAgent agent, double progressRemaining, MetricLogger logger)
    {
        var options = agent.Options;
        var buffer = agent.Buffer;
        var learningRate = options.LearningRateAt(progressRemaining);
        agent.SetLearningRate(learningRate);
        var parameters = agent.Network.parameters().ToArray();
        double lastLoss = double.NaN;
        var continueTraining = true;

        for (var epoch = 0; epoch < options.NEpochs && continueTraining; epoch++)
        {
            foreach (var chunk in buffer.MinibatchIndices(options.BatchSize, agent.Generator))
            {
                var loss = TrainMinibatch(agent, chunk, parameters, logger);
                if (loss is null)
                {
                    continueTraining = false;
                    break;
                }
                lastLoss = loss.Value;
            }
        }

        logger.Record("train/loss", lastLoss);
        logger.Record("train/explained_variance", ExplainedVariance(buffer.Values, buffer.Returns));
        logger.Record("train/learning_rate", learningRate);
        logger.Record("train/clip_range", options.ClipRange);
    }

    /// <summary>
    /// One minibatch of <see cref="Train"/>: the clipped objective on the buffer's steps <paramref name="chunk"/>, SB3's
    /// per-minibatch log keys, then (unless target_kl stops the update: null) one Adam step on the gradient clipped to
    /// max_grad_norm. Returns the minibatch's loss. <c>rlmix bench</c> times RL-Mix's update one of these at a time.
    /// </summary>
    public static double? TrainMinibatch(PpoAgent agent, long[] chunk, TorchSharp.Modules.Parameter[] parameters, MetricLogger logger)
    {
        using var scope = NewDisposeScope();
        var options = agent.Options;
        var buffer = agent.Buffer;
        var indices = tensor(chunk, device: buffer.Actions.device);
        var observations = ObservationTensors.Select(buffer.Observations, indices);
        var actions = buffer.Actions.index_select(0, indices);                         // [m, B]
        var output = agent.Network.forward(observations);
        var logProbs = MultiCategorical.LogProbs(output.Logits, actions);             // [m, B]
        var entropies = MultiCategorical.Entropies(output.Logits);                    // [m, B]
        if (!options.PerImageCredit)
        {
            // The joint action of the batch: sums over the B per-image categoricals (SB3 MultiCategorical).
            logProbs = logProbs.sum(-1, keepdim: true);
            entropies = entropies.sum(-1, keepdim: true);
        }

        var terms = PpoLoss.Compute(logProbs, buffer.LogProbs.index_select(0, indices), buffer.Advantages.index_select(0, indices),
            output.Values, buffer.Values.index_select(0, indices), buffer.Returns.index_select(0, indices), entropies,
            options.ClipRange, options.ClipRangeVf, options.EntCoef, options.VfCoef, options.NormalizeAdvantage);

        var scalars = stack([terms.PolicyLoss, terms.ValueLoss, terms.EntropyLoss, terms.ApproxKl, terms.ClipFraction, terms.Loss.detach()])
            .to(float64).cpu().data<double>().ToArray();
        logger.Record("train/policy_gradient_loss", scalars[0]);
        logger.Record("train/value_loss", scalars[1]);
        logger.Record("train/entropy_loss", scalars[2]);
        logger.Record("train/approx_kl", scalars[3]);
        logger.Record("train/clip_fraction", scalars[4]);
        if (options.TargetKl is double targetKl && scalars[3] > 1.5 * targetKl) return null;

        agent.Optimizer.zero_grad();
        terms.Loss.backward();
        nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm);
        agent.Optimizer.step();
        return scalars[5];
    }

    /// <summary>1 - Var(y - y_pred) / Var(y) (population variances, as SB3); NaN when Var(y) is 0.</summary>
    public static double ExplainedVariance(Tensor predicted, Tensor actual)
    {
        using var scope = NewDisposeScope();
        var y = actual.to(float64).flatten();
        var varY = y.var(unbiased: false).item<double>();
        return varY == 0 ? double.NaN : 1 - (y - predicted.to(float64).flatten()).var(unbiased: false).item<double>() / varY;
    }

    static Tensor RewardColumns<TObs>(PpoAgent agent, StepOutcome<TObs> outcome) where TObs : notnull =>
        agent.RewardColumns(outcome.Reward, outcome.Info.TryGetValue("rewards", out var value) ? value as Tensor : null);
}

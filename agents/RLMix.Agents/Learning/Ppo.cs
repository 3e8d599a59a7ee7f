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
    /// trained on). An unfinished rollout stays in the agent (and in its checkpoint). The learning-rate schedule's progress is NumTimesteps / totalTimesteps.
    /// </summary>
    public static void Learn<TObs>(PpoAgent agent, IEnv<TObs, Tensor> env, long totalTimesteps, MetricLogger? logger = null,
        Func<PpoStepInfo, bool>? onStep = null) where TObs : notnull
    {
        logger ??= MetricLogger.None;
        agent.EnsureFitsForTraining(env.ObservationSpace, env.ActionSpace);
        while (agent.NumTimesteps < totalTimesteps)
        {
            // 1. Rollout: fill the buffer with n steps of the current policy.
            var keepGoing = CollectRollout(agent, env, onStep);
            if (!agent.Buffer.Full) return;                 // stopped mid-rollout: the partial rollout waits in the agent

            // 2. Advantages: GAE, bootstrapped from the value of the observation after the last step.
            using (var last = agent.PredictValues(agent.LastObservation!))
                agent.Buffer.ComputeReturnsAndAdvantage(last, agent.LastEpisodeStart);
            agent.Iterations++;

            // 3. Update: clipped surrogate over minibatches, n_epochs times.
            var progressRemaining = 1.0 - (double)agent.NumTimesteps / totalTimesteps;
            Train(agent, progressRemaining, logger);
            agent.Buffer.Reset();

            // 4. Log.
            if (agent.RecentEpisodes.Count > 0)
            {
                logger.Record("rollout/ep_rew_mean", agent.RecentEpisodes.Average(e => e.Reward));
                logger.Record("rollout/ep_len_mean", agent.RecentEpisodes.Average(e => e.Length));
            }
            logger.Record("time/iterations", agent.Iterations);
            logger.Dump(agent.NumTimesteps);
            if (!keepGoing) return;
        }
    }

    /// <summary>
    /// Steps <paramref name="env"/> with the agent's sampled actions until the buffer is full (true) or
    /// the callback asks to stop (false). A truncated step's reward gets gamma * V(final observation)
    /// added, SB3's time-limit bootstrap (it reads <c>terminal_observation</c>); a terminated step gets
    /// nothing. Either way the env is reset and the next step starts an episode. The env is reset
    /// first when the agent has no observation yet.
    /// </summary>
    public static bool CollectRollout<TObs>(PpoAgent agent, IEnv<TObs, Tensor> env, Func<PpoStepInfo, bool>? onStep = null) where TObs : notnull
    {
        var options = agent.Options;
        if (agent.LastObservation is null)
            agent.SetLastObservation(ObservationTensors.From(env.Reset().Observation), episodeStart: true);
        while (!agent.Buffer.Full)
        {
            using var scope = NewDisposeScope();
            var observation = agent.LastObservation!;
            var (actions, values, logProbs) = agent.Sample(observation);
            var outcome = env.Step(actions);
            agent.NumTimesteps++;

            var rewards = RewardColumns(agent, outcome);
            if (outcome.Truncated)
                rewards = rewards + options.Gamma * agent.PredictValues(ObservationTensors.From(outcome.Observation));
            agent.Buffer.Add(observation, actions, rewards, agent.LastEpisodeStart, values, logProbs);

            agent.CurrentEpisodeReward += outcome.Reward;
            agent.CurrentEpisodeLength++;
            double? episodeReward = null;
            int? episodeLength = null;
            if (outcome.Done)
            {
                episodeReward = agent.CurrentEpisodeReward;
                episodeLength = agent.CurrentEpisodeLength;
                agent.RecordEpisode(agent.CurrentEpisodeReward, agent.CurrentEpisodeLength);
                agent.CurrentEpisodeReward = 0;
                agent.CurrentEpisodeLength = 0;
            }
            var info = new PpoStepInfo(agent.NumTimesteps, outcome.Reward, outcome.Terminated, outcome.Truncated,
                agent.EpisodesCompleted, episodeReward, episodeLength, outcome.Info);
            var keepGoing = onStep?.Invoke(info) ?? true;   // before the reset, while the info's tensors are valid
            // A finished env is not reset when training stops here (its run may be over: MixupEnv's last epoch).
            var next = outcome.Done && keepGoing ? env.Reset().Observation : outcome.Observation;
            agent.SetLastObservation(ObservationTensors.From(next), episodeStart: outcome.Done);
            if (!keepGoing) return false;
        }
        return true;
    }

    /// <summary>One PPO update on the full buffer (SB3's <c>PPO.train</c>).</summary>
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
                using var scope = NewDisposeScope();
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
                if (options.TargetKl is double targetKl && scalars[3] > 1.5 * targetKl)
                {
                    continueTraining = false;
                    break;
                }
                lastLoss = scalars[5];

                agent.Optimizer.zero_grad();
                terms.Loss.backward();
                nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm);
                agent.Optimizer.step();
            }
        }
        agent.NUpdates += options.NEpochs;

        logger.Record("train/loss", lastLoss);
        logger.Record("train/explained_variance", ExplainedVariance(buffer.Values, buffer.Returns));
        logger.Record("train/learning_rate", learningRate);
        logger.Record("train/clip_range", options.ClipRange);
        logger.Record("train/n_updates", agent.NUpdates);
    }

    /// <summary>1 - Var(y - y_pred) / Var(y) (population variances, as SB3); NaN when Var(y) is 0.</summary>
    public static double ExplainedVariance(Tensor predicted, Tensor actual)
    {
        using var scope = NewDisposeScope();
        var y = actual.to(float64).flatten();
        var varY = y.var(unbiased: false).item<double>();
        return varY == 0 ? double.NaN : 1 - (y - predicted.to(float64).flatten()).var(unbiased: false).item<double>() / varY;
    }

    static Tensor RewardColumns<TObs>(PpoAgent agent, StepOutcome<TObs> outcome) where TObs : notnull
    {
        if (!agent.Options.PerImageCredit) return tensor(new[] { (float)outcome.Reward });
        if (outcome.Info.TryGetValue("rewards", out var value) && value is Tensor perImage && perImage.numel() == agent.RewardWidth)
            return perImage.detach().to(float32).cpu().reshape(agent.RewardWidth);
        throw new UsageException("PPO per-image credit needs a per-image reward (info[\"rewards\"] with one value per image), e.g. --reward grad-cosine-image.");
    }
}

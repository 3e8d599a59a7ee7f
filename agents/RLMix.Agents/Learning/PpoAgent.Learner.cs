using RLMix.Agents.Metrics;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

// The learner side of the agent: the one place where transitions enter the rollout buffer, the counters
// move and PPO updates are triggered. Ppo's env loop and the online RL-Mix method both go through it.
public sealed partial class PpoAgent
{
    /// <summary>
    /// Records the transition from <see cref="LastObservation"/> (SB3's <c>rollout_buffer.add</c> plus
    /// <c>num_timesteps += 1</c>). <paramref name="rewards"/> are the reward columns <c>[R]</c>; a truncated
    /// step gets gamma * V(<paramref name="finalObservation"/>) added (SB3's time-limit bootstrap; the mean of V over the columns), a
    /// terminated one nothing. <paramref name="reward"/> (the env's scalar reward) feeds the episode
    /// statistics; the episode's (reward, length) is returned when it ended here.
    /// </summary>
    public (double Reward, int Length)? Record(Tensor actions, Tensor values, Tensor logProbs, Tensor rewards, double reward,
        bool terminated, bool truncated, IReadOnlyDictionary<string, Tensor>? finalObservation)
    {
        var observation = lastObservation ?? throw new InvalidOperationException("PpoAgent.Record: no observation yet; call UpdateIfFull with the first observation.");
        using var scope = NewDisposeScope();
        if (truncated)
        {
            if (finalObservation is null) throw new ArgumentNullException(nameof(finalObservation), "A truncated step needs its final observation for the bootstrap.");
            // The mean over columns: with per-image credit the final observation's images are not the ones decided on (see RolloutBuffer.ComputeReturnsAndAdvantage).
            rewards = rewards + Options.Gamma * PredictValues(finalObservation).mean();
        }
        Buffer.Add(observation, actions, rewards, LastEpisodeStart, values, logProbs);
        NumTimesteps++;
        CurrentEpisodeReward += reward;
        CurrentEpisodeLength++;
        if (!terminated && !truncated) return null;
        var episode = (CurrentEpisodeReward, CurrentEpisodeLength);
        recentEpisodes.Enqueue(episode);
        while (recentEpisodes.Count > RecentEpisodeCount) recentEpisodes.Dequeue();
        EpisodesCompleted++;
        CurrentEpisodeReward = 0;
        CurrentEpisodeLength = 0;
        return episode;
    }

    /// <summary>
    /// Makes <paramref name="nextObservation"/> the one the next step acts on (<paramref name="episodeStart"/>:
    /// it starts an episode, i.e. the last recorded step ended one); when the rollout buffer is full, runs
    /// one PPO update on it: GAE bootstrapped from V(<paramref name="nextObservation"/>), the clipped
    /// objective over minibatches (<see cref="Ppo.Train"/>), SB3's log keys dumped at <see cref="NumTimesteps"/>.
    /// The learning-rate schedule's progress is 1 - NumTimesteps / <paramref name="totalTimesteps"/> (at
    /// least 0; 1 when the total is unknown, 0 or less).
    /// </summary>
    /// <returns>Whether an update ran.</returns>
    public bool UpdateIfFull(IReadOnlyDictionary<string, Tensor> nextObservation, bool episodeStart, long totalTimesteps, MetricLogger? logger = null)
    {
        var copy = ObservationTensors.Clone(nextObservation);
        DisposeLastObservation();
        lastObservation = copy;
        LastEpisodeStart = episodeStart;
        if (!Buffer.Full) return false;

        logger ??= MetricLogger.None;
        using (var last = PredictValues(lastObservation))
            Buffer.ComputeReturnsAndAdvantage(last, episodeStart);
        Iterations++;
        var progressRemaining = totalTimesteps > 0 ? Math.Max(0, 1.0 - (double)NumTimesteps / totalTimesteps) : 1.0;
        Ppo.Train(this, progressRemaining, logger);
        NUpdates += Options.NEpochs;
        Buffer.Reset();

        if (recentEpisodes.Count > 0)
        {
            logger.Record("rollout/ep_rew_mean", recentEpisodes.Average(e => e.Reward));
            logger.Record("rollout/ep_len_mean", recentEpisodes.Average(e => e.Length));
        }
        logger.Record("train/n_updates", NUpdates);
        logger.Record("time/iterations", Iterations);
        logger.Dump(NumTimesteps);
        return true;
    }

    /// <summary>
    /// One step's reward columns <c>[R]</c>: the batch's scalar <paramref name="reward"/> for the joint action,
    /// or the per-image rewards <c>[B]</c> with per-image credit (then <paramref name="perImage"/> is required).
    /// </summary>
    internal Tensor RewardColumns(double reward, Tensor? perImage)
    {
        if (!Options.PerImageCredit) return tensor(new[] { (float)reward });
        if (perImage is not null && perImage.numel() == RewardWidth)
            return perImage.detach().to(float32).cpu().reshape(RewardWidth);
        throw new Errors.UsageException("PPO per-image credit needs a per-image reward (one value per image), e.g. --reward grad-cosine-image.");
    }

    /// <summary>Sets every parameter group's learning rate.</summary>
    internal void SetLearningRate(double lr)
    {
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = lr;
    }
}

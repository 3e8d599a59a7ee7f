using RLMix.Agents.Metrics;
using RLMix.Agents.Learning;
using RLMix.Envs;
using static TorchSharp.torch;

namespace RLMix.Agents;

/// <summary>Trains a PPO agent for a number of episodes (the <c>rlmix agent train</c> loop).</summary>
public static class AgentTraining
{
    /// <summary>
    /// Trains until the agent has completed <paramref name="episodes"/> episodes in all (a loaded agent
    /// continues its count). The learning-rate schedule spans episodes x <paramref name="stepsPerEpisode"/>
    /// steps (without it, the schedule stays at its start). PPO updates every NSteps steps; an
    /// unfinished rollout stays in the agent and continues when training does.
    /// </summary>
    /// <returns>The episodes completed in this call.</returns>
    public static IReadOnlyList<EpisodeResult> Run<TObs>(PpoAgent agent, IEnv<TObs, Tensor> env, int episodes, int? stepsPerEpisode = null,
        MetricLogger? logger = null, Action<EpisodeResult>? onEpisode = null, Action<PpoStepInfo>? onStep = null) where TObs : notnull
    {
        var results = new List<EpisodeResult>();
        if (agent.EpisodesCompleted >= episodes) return results;
        var totalTimesteps = stepsPerEpisode is int s ? (long)episodes * s : long.MaxValue;
        Ppo.Learn(agent, env, totalTimesteps, logger, info =>
        {
            onStep?.Invoke(info);
            if (info.EpisodeReward is double reward)
            {
                var result = new EpisodeResult(info.EpisodesCompleted, reward, info.EpisodeLength!.Value, info.Terminated);
                results.Add(result);
                onEpisode?.Invoke(result);
            }
            return agent.EpisodesCompleted < episodes;
        });
        return results;
    }
}

using RLMix.Agents.Policies;
using RLMix.Envs;
using static TorchSharp.torch;

namespace RLMix.Agents;

/// <summary>Runs a policy in an env for whole episodes (the <c>rlmix agent eval</c> loop).</summary>
public static class PolicyEvaluation
{
    /// <summary>
    /// Plays <paramref name="episodes"/> episodes; the first reset uses <paramref name="seed"/>.
    /// <paramref name="onEpisode"/> sees each result as it ends; <paramref name="onStep"/> sees (episode, step, reward).
    /// </summary>
    public static IReadOnlyList<EpisodeResult> Run<TObs>(IPolicy policy, IEnv<TObs, Tensor> env, int episodes, int? seed = null,
        Action<EpisodeResult>? onEpisode = null, Action<int, int, double>? onStep = null) where TObs : notnull
    {
        var results = new List<EpisodeResult>();
        for (var episode = 1; episode <= episodes; episode++)
        {
            var observation = env.Reset(episode == 1 ? seed : null).Observation;
            double total = 0;
            var steps = 0;
            while (true)
            {
                StepOutcome<TObs> outcome;
                using (var scope = NewDisposeScope())
                {
                    var action = policy.Act(observation);
                    outcome = env.Step(action);
                }
                total += outcome.Reward;
                steps++;
                onStep?.Invoke(episode, steps, outcome.Reward);
                if (outcome.Done)
                {
                    var result = new EpisodeResult(episode, total, steps, outcome.Terminated);
                    results.Add(result);
                    onEpisode?.Invoke(result);
                    break;
                }
                observation = outcome.Observation;
            }
        }
        return results;
    }
}

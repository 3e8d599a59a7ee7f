namespace RLMix.Agents.Learning;

/// <summary>What <see cref="Ppo.Step{TObs}"/> reports after each environment step (and its callback sees).</summary>
/// <param name="NumTimesteps">Steps taken so far (including this one).</param>
/// <param name="Reward">This step's env reward.</param>
/// <param name="Terminated">The episode terminated.</param>
/// <param name="Truncated">The episode was truncated.</param>
/// <param name="EpisodesCompleted">Episodes completed so far (including one that ended here).</param>
/// <param name="EpisodeReward">The undiscounted reward of the episode that ended here, else null.</param>
/// <param name="EpisodeLength">Its length, else null.</param>
/// <param name="Info">The env's info of this step (valid until the env's next step or reset).</param>
/// <param name="KeepGoing">What the step callback answered (false: training stops after this step).</param>
/// <param name="Updated">Whether a PPO update ran after this step (the rollout was full).</param>
public sealed record PpoStepInfo(long NumTimesteps, double Reward, bool Terminated, bool Truncated, int EpisodesCompleted,
    double? EpisodeReward, int? EpisodeLength, IReadOnlyDictionary<string, object> Info, bool KeepGoing = true, bool Updated = false);

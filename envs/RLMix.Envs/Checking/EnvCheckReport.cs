namespace RLMix.Envs.Checking;

/// <summary>What <see cref="EnvChecker.Check{TObs, TAction}"/> verified.</summary>
/// <param name="Checks">The checks that passed, in order.</param>
/// <param name="StepsTaken">Steps taken in the episode run to its end (or to the step cap).</param>
/// <param name="EpisodeEnded">Whether that episode ended within the cap (then the step-after-end guard was checked too).</param>
public sealed record EnvCheckReport(IReadOnlyList<string> Checks, int StepsTaken, bool EpisodeEnded);

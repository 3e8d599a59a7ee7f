using System.Globalization;

namespace RLMix.Agents.Learning;

/// <summary>
/// The one rule for the rollout length (n_steps) of a run that is short next to the preset's rollout,
/// used by <c>rlmix agent train</c> and by <c>rlmix train --method rlmix</c> alike: unless n_steps was
/// set explicitly, it is capped at a tenth of the run's steps (at least <see cref="Minimum"/>, at most the
/// whole run), so that the agent is updated about ten times during the run instead of once at its end or
/// never (SB3's 2048 steps are 34 epochs of fashion-mnist-mini). The minibatch is capped at n_steps.
/// </summary>
public static class RolloutLength
{
    /// <summary>The shortest capped rollout, in steps.</summary>
    public const int Minimum = 16;

    /// <summary>
    /// The options for a run of <paramref name="runSteps"/> steps, and a sentence for the log when they
    /// differ from <paramref name="options"/> (null otherwise).
    /// </summary>
    /// <param name="explicitNSteps">The user chose n_steps: it is kept whatever the run's length.</param>
    /// <param name="runSteps">Steps of the whole run; 0 or less when unknown (nothing is capped).</param>
    /// <param name="preset">The preset's name, for the message.</param>
    public static (PpoOptions Options, string? Note) ForRun(PpoOptions options, bool explicitNSteps, long runSteps, string preset)
    {
        if (explicitNSteps || runSteps <= 0) return (options, null);
        var cap = (int)Math.Min(runSteps, Math.Max(Minimum, runSteps / 10));
        if (options.NSteps <= cap) return (options, null);
        var capped = options with { NSteps = cap, BatchSize = Math.Min(options.BatchSize, cap) };
        var note = string.Create(CultureInfo.InvariantCulture,
            $"The run has {runSteps} steps: instead of the {preset} preset's n_steps {options.NSteps}, using n_steps {cap} (a tenth of the run, at least {Minimum}, at most the run) and minibatch {capped.BatchSize}, so that the agent is updated during the run. Set n_steps to choose.");
        return (capped, note);
    }
}

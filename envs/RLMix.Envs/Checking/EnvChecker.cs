using RLMix.Envs.Spaces;
using static TorchSharp.torch;

namespace RLMix.Envs.Checking;

/// <summary>
/// Validates an environment against its declared spaces and the Reset/Step protocol, in the spirit
/// of Gymnasium's <c>check_env</c>: the API is checked, not trusted. Throws
/// <see cref="EnvCheckException"/> at the first failure.
/// </summary>
public static class EnvChecker
{
    /// <summary>
    /// Checks, in order: the spaces exist; <c>Reset(seed)</c> returns an observation in the space
    /// and an info dictionary; the same seed gives the same first observation; an unseeded reset
    /// works; steps with sampled actions return observations in the space, finite rewards and info
    /// dictionaries; optionally step determinism (same seed and action give the same outcome); the
    /// episode is run until it ends (at most <paramref name="maxSteps"/> steps) and then stepping
    /// without <c>Reset</c> must throw <see cref="InvalidOperationException"/>; a reset after the end
    /// works again.
    /// </summary>
    /// <param name="checkStepDeterminism">Environments whose state outlives a reset (MixupEnv trains a classifier) pass false.</param>
    public static EnvCheckReport Check<TObs, TAction>(IEnv<TObs, TAction> env, int seed = 123, int maxSteps = 1000, bool checkStepDeterminism = true)
        where TObs : notnull where TAction : notnull
    {
        var passed = new List<string>();
        Require(env.ObservationSpace is not null, "the environment has no ObservationSpace");
        Require(env.ActionSpace is not null, "the environment has no ActionSpace");
        passed.Add($"spaces: observation {env.ObservationSpace}, action {env.ActionSpace}");

        var first = CheckReset(env, seed, "Reset(seed)");
        var again = CheckReset(env, seed, "second Reset(seed)");
        Require(ObservationsEqual(first, again), $"Reset(seed: {seed}) twice gave different first observations: seeding is not deterministic");
        Dispose(first);
        Dispose(again);
        passed.Add("reset: observation in space, info is a dictionary, same seed gives the same first observation");

        Dispose(CheckReset(env, null, "Reset(null)"));
        passed.Add("reset without a seed works");

        env.ActionSpace!.Seed(seed);
        if (checkStepDeterminism)
        {
            var a = CheckDeterministicStep(env, seed);
            passed.Add(a);
        }

        Dispose(CheckReset(env, seed, "Reset(seed) before the episode run"));
        var steps = 0;
        var ended = false;
        while (steps < maxSteps && !ended)
        {
            var outcome = CheckStep(env, steps);
            steps++;
            ended = outcome.Terminated || outcome.Truncated;
        }
        passed.Add($"step: {steps} steps with observations in space, finite rewards, info dictionaries");

        if (ended)
        {
            var threw = false;
            using (var action = ToDisposable(env.ActionSpace.Sample()))
            {
                try { env.Step((TAction)action.Value); }
                catch (InvalidOperationException) { threw = true; }
            }
            Require(threw, "Step after the episode ended (terminated or truncated) did not throw InvalidOperationException");
            passed.Add("stepping a finished episode without Reset throws InvalidOperationException");
            Dispose(CheckReset(env, null, "Reset after the episode ended"));
            passed.Add("reset after the end of an episode works");
        }
        return new EnvCheckReport(passed, steps, ended);
    }

    static string CheckDeterministicStep<TObs, TAction>(IEnv<TObs, TAction> env, int seed) where TObs : notnull where TAction : notnull
    {
        using var action = ToDisposable(env.ActionSpace.Sample());
        Dispose(CheckReset(env, seed, "Reset(seed) for the step determinism check"));
        var one = env.Step((TAction)action.Value);
        var obsOne = Clone(one.Observation);
        Dispose(CheckReset(env, seed, "Reset(seed) for the step determinism check"));
        var two = env.Step((TAction)action.Value);
        var same = ObservationsEqual(obsOne, two.Observation) && one.Reward.Equals(two.Reward)
                   && one.Terminated == two.Terminated && one.Truncated == two.Truncated;
        Dispose(obsOne);
        Require(same, "the same seed and action gave different step outcomes: stepping is not deterministic");
        return "step determinism: same seed and action give the same outcome";
    }

    static object CheckReset<TObs, TAction>(IEnv<TObs, TAction> env, int? seed, string what) where TObs : notnull where TAction : notnull
    {
        ResetOutcome<TObs> outcome;
        try { outcome = env.Reset(seed); }
        catch (Exception e) { throw new EnvCheckException($"{what} threw {e.GetType().Name}: {e.Message}", e); }
        Require(outcome is not null, $"{what} returned null");
        Require(outcome!.Info is not null, $"{what} returned a null info; return an empty dictionary instead");
        Require(env.ObservationSpace.Contains(outcome.Observation),
            $"{what} returned an observation that is not in the observation space {env.ObservationSpace} ({Describe(outcome.Observation)})");
        return Clone(outcome.Observation);
    }

    static StepOutcome<TObs> CheckStep<TObs, TAction>(IEnv<TObs, TAction> env, int index) where TObs : notnull where TAction : notnull
    {
        using var action = ToDisposable(env.ActionSpace.Sample());
        Require(env.ActionSpace.Contains((TAction)action.Value), $"the action space {env.ActionSpace} sampled an action it does not contain");
        StepOutcome<TObs> outcome;
        try { outcome = env.Step((TAction)action.Value); }
        catch (Exception e) { throw new EnvCheckException($"Step {index} threw {e.GetType().Name}: {e.Message}", e); }
        Require(outcome is not null, $"Step {index} returned null");
        Require(outcome!.Info is not null, $"Step {index} returned a null info; return an empty dictionary instead");
        Require(double.IsFinite(outcome.Reward), $"Step {index} returned a non-finite reward {outcome.Reward}");
        Require(env.ObservationSpace.Contains(outcome.Observation),
            $"Step {index} returned an observation that is not in the observation space {env.ObservationSpace} ({Describe(outcome.Observation)})");
        return outcome;
    }

    static void Require(bool condition, string message)
    {
        if (!condition) throw new EnvCheckException("Env check failed: " + message + ".");
    }

    static string Describe(object? obs) => obs switch
    {
        Tensor t => $"got {t.dtype} of shape ({string.Join(", ", t.shape)})",
        IReadOnlyDictionary<string, Tensor> d => "got keys " + string.Join(", ", d.Select(kv => $"{kv.Key}: {kv.Value.dtype} ({string.Join(", ", kv.Value.shape)})")),
        null => "got null",
        _ => $"got {obs.GetType().Name}",
    };

    static object Clone(object obs) => obs switch
    {
        Tensor t => t.clone().DetachFromDisposeScope(),
        IReadOnlyDictionary<string, Tensor> d => d.ToDictionary(kv => kv.Key, kv => kv.Value.clone().DetachFromDisposeScope()),
        _ => obs,
    };

    static void Dispose(object obs)
    {
        if (obs is Tensor t) t.Dispose();
        else if (obs is IReadOnlyDictionary<string, Tensor> d) foreach (var v in d.Values) v.Dispose();
    }

    static bool ObservationsEqual(object a, object b) => (a, b) switch
    {
        (Tensor x, Tensor y) => x.shape.SequenceEqual(y.shape) && x.dtype == y.dtype && x.eq(y).all().item<bool>(),
        (IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y) =>
            x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var v) && ObservationsEqual(kv.Value, v)),
        _ => Equals(a, b),
    };

    static Owned ToDisposable(object value) => new(value);

    sealed class Owned(object value) : IDisposable
    {
        public object Value { get; } = value;
        public void Dispose() => EnvChecker.Dispose(Value);
    }
}

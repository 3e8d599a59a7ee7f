using RLMix.Envs;
using RLMix.Envs.Spaces;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

/// <summary>
/// A contextual bandit shaped like MixupEnv: B rows, each a one-hot context of F = K values; the
/// best action of a row is its context. Per-image reward 1 for the best action else 0 (in info
/// "rewards"); the env reward is their mean. Episodes of <c>length</c> steps end truncated (or
/// terminated). The env's state (generator, step) can be copied, for resume tests.
/// </summary>
sealed class BanditEnv : IEnv<Tensor, Tensor>
{
    readonly EpisodeGuard guard = new(nameof(BanditEnv));
    readonly int length;
    readonly bool terminate;
    readonly Box observationSpace;
    readonly MultiDiscrete actionSpace;
    TorchSharp.torch.Generator generator = new(0);
    Tensor? observation;
    Tensor? rewards;
    int t;

    public BanditEnv(int batchSize = 4, int choices = 3, int length = 8, bool terminate = false)
    {
        BatchSize = batchSize;
        Choices = choices;
        this.length = length;
        this.terminate = terminate;
        observationSpace = new Box(0f, 1f, batchSize, choices);
        actionSpace = new MultiDiscrete(Enumerable.Repeat((long)choices, batchSize).ToArray());
    }

    public int BatchSize { get; }
    public int Choices { get; }
    public Space<Tensor> ObservationSpace => observationSpace;
    public Space<Tensor> ActionSpace => actionSpace;

    public ResetOutcome<Tensor> Reset(int? seed = null)
    {
        if (seed is int s) generator = new TorchSharp.torch.Generator((ulong)s);
        guard.OnReset();
        t = 0;
        Next();
        return new(observation!, new Dictionary<string, object>());
    }

    public StepOutcome<Tensor> Step(Tensor action)
    {
        guard.BeforeStep();
        rewards?.Dispose();
        rewards = action.eq(observation!.argmax(1)).to(float32).DetachFromDisposeScope();
        var reward = rewards.mean().item<float>();
        t++;
        Next();
        var done = t >= length;
        guard.AfterStep(done && terminate, done && !terminate);
        return new(observation!, reward, done && terminate, done && !terminate, new Dictionary<string, object> { ["rewards"] = rewards });
    }

    void Next()
    {
        observation?.Dispose();
        using var scope = NewDisposeScope();
        var contexts = randint(0, Choices, [BatchSize], generator: generator);
        observation = nn.functional.one_hot(contexts, Choices).to(float32).MoveToOuterDisposeScope().DetachFromDisposeScope();
    }

    public void Dispose()
    {
        observation?.Dispose();
        rewards?.Dispose();
    }
}

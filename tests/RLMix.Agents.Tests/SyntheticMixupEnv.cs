using RLMix.Envs;
using RLMix.Envs.Mixup;
using RLMix.Envs.Spaces;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

/// <summary>
/// A fast stand-in for MixupEnv with the known-optimum rewards: B rows of G*G saliency cells (a map
/// summing to 1, heavier on a random side) then C logits (4 * one-hot label + noise). Per-image reward
/// (info "rewards"): <c>label</c> task, 1 when the action is (3 label + 1) mod K; <c>side</c> task, 1 when
/// it is K-1 if the left half holds more mass else 0. The env reward is their mean. Episodes of
/// <c>length</c> steps end truncated.
/// </summary>
sealed class SyntheticMixupEnv : IEnv<Tensor, Tensor>, IObservationLayoutEnv
{
    const int Grid = 8, Classes = 10;
    readonly EpisodeGuard guard = new(nameof(SyntheticMixupEnv));
    readonly int length;
    readonly string task;
    readonly Box observationSpace;
    readonly MultiDiscrete actionSpace;
    TorchSharp.torch.Generator generator;
    Tensor? observation, target;
    Tensor? rewards;
    int t;

    public SyntheticMixupEnv(string task, int batchSize = 100, int length = 15, int seed = 0, int choices = 10)
    {
        this.task = task;
        this.length = length;
        BatchSize = batchSize;
        Choices = choices;
        generator = new TorchSharp.torch.Generator((ulong)seed);
        observationSpace = new Box(-100f, 100f, batchSize, Grid * Grid + Classes);
        actionSpace = new MultiDiscrete(Enumerable.Repeat((long)choices, batchSize).ToArray());
    }

    public int BatchSize { get; }
    public ObservationLayout Layout { get; } = new(Grid, Classes);
    public int Choices { get; }
    public Space<Tensor> ObservationSpace => observationSpace;
    public Space<Tensor> ActionSpace => actionSpace;

    public ResetOutcome<Tensor> Reset(int? seed = null)
    {
        guard.OnReset();
        t = 0;
        Next();
        return new(observation!, new Dictionary<string, object>());
    }

    public StepOutcome<Tensor> Step(Tensor action)
    {
        guard.BeforeStep();
        rewards?.Dispose();
        rewards = action.eq(target!).to(float32).DetachFromDisposeScope();
        var reward = rewards.mean().item<float>();
        t++;
        Next();
        var done = t >= length;
        guard.AfterStep(false, done);
        return new(observation!, reward, false, done, new Dictionary<string, object> { ["rewards"] = rewards });
    }

    void Next()
    {
        observation?.Dispose();
        target?.Dispose();
        using var scope = NewDisposeScope();
        var b = BatchSize;
        var labels = randint(0, Classes, [b], generator: generator);
        var logits = nn.functional.one_hot(labels, Classes).to(float32) * 4 + randn([b, Classes], generator: generator);
        var map = rand([b, Grid, Grid], generator: generator);
        var leftHeavy = rand([b], generator: generator) < 0.58;
        var weight = where(leftHeavy.unsqueeze(1), tensor(new[] { 1.5f, 1.5f, 1.5f, 1.5f, 1f, 1f, 1f, 1f }), tensor(new[] { 1f, 1f, 1f, 1f, 1.5f, 1.5f, 1.5f, 1.5f }));
        map = map * weight.unsqueeze(1);
        map = map / map.sum([1, 2], keepdim: true);
        var left = map.narrow(2, 0, Grid / 2).sum([1, 2]) > 0.5;
        var t = task == "label" ? (labels * 3 + 1).remainder(Choices) : where(left, tensor((long)Choices - 1), tensor(0L));
        observation = cat([map.flatten(1), logits], 1).MoveToOuterDisposeScope().DetachFromDisposeScope();
        target = t.MoveToOuterDisposeScope().DetachFromDisposeScope();
    }

    public void Dispose()
    {
        observation?.Dispose();
        target?.Dispose();
        rewards?.Dispose();
    }
}

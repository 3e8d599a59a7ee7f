using RLMix.Envs.Spaces;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

/// <summary>A well-behaved toy env: the observation is a seeded random point; reward 1 when the action is the point's argmax; truncated after Length steps.</summary>
sealed class ArgmaxEnv(int length = 5) : IEnv<Tensor, Tensor>
{
    readonly EpisodeGuard guard = new(nameof(ArgmaxEnv));
    readonly Box observationSpace = new(0f, 1f, 3);
    readonly Discrete actionSpace = new(3);
    TorchSharp.torch.Generator generator = new(0);
    Tensor? observation;
    int t;

    public Space<Tensor> ObservationSpace => observationSpace;
    public Space<Tensor> ActionSpace => actionSpace;

    /// <summary>When set, observations leave the space (to test the checker).</summary>
    public bool Broken { get; init; }

    /// <summary>When set, stepping a finished episode is silently allowed (to test the checker).</summary>
    public bool NoGuard { get; init; }

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
        if (!NoGuard) guard.BeforeStep();
        var reward = action.item<long>() == observation!.argmax().item<long>() ? 1.0 : 0.0;
        t++;
        Next();
        var truncated = t >= length;
        guard.AfterStep(false, truncated);
        return new(observation!, reward, false, truncated, new Dictionary<string, object> { ["t"] = t });
    }

    void Next()
    {
        observation?.Dispose();
        observation = rand([3], generator: generator);
        if (Broken) observation.add_(2f);
    }

    public void Dispose() => observation?.Dispose();
}

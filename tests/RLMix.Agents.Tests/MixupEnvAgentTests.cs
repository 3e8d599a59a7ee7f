using RLMix.Agents.Learning;
using RLMix.Agents.Metrics;
using RLMix.Agents.Networks;
using RLMix.Agents.Policies;
using RLMix.Envs.Mixup;
using RLMix.Envs.Rewards;
using RLMix.Envs.Tests;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

/// <summary>Agents in MixupEnv end to end, on the fake classifier backend (B = 4, N = 3 classes, 16x16 images).</summary>
public sealed class MixupEnvAgentTests
{
    const int B = 4;
    const int N = 3;

    static MixupEnv Env(IRewardFunction? reward = null) =>
        new(new FakeMixupBackend(N), SyntheticBatches.Source(B, full: 3), N, B, reward, new MixupEnvOptions { TotalEpochs = 50 }, seed: 3, batchesPerEpoch: 3);

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void Agent_ReadsTheEnvsObservationLayout_NotTheRowWidth(int grid)
    {
        // With G = 4 and N = 3 a flat row has 19 values: fewer than 8 x 8, so guessing the grid from the width would fail.
        using var env = new MixupEnv(new FakeMixupBackend(N), SyntheticBatches.Source(B, full: 3), N, B, null,
            new MixupEnvOptions { TotalEpochs = 50, ObservationGrid = grid }, seed: 3, batchesPerEpoch: 3);
        Assert.Equal(new ObservationLayout(grid, N), env.Layout);
        using var flat = PpoAgent.Create(env, PpoOptions.Default with { NSteps = 6, BatchSize = 3 }, seed: 1);
        Assert.Equal(new AgentSpec("flat", B, grid * grid + N, grid, 10), flat.Spec);

        using var dictEnv = new DictObservationEnv(env);
        Assert.Equal(env.Layout, dictEnv.Layout);
        Assert.Equal(new long[] { B, grid, grid }, ((RLMix.Envs.Spaces.DictSpace)dictEnv.ObservationSpace).Spaces[DictObservationEnv.SaliencyKey].Shape);
        using var paper = PpoAgent.Create(dictEnv, PpoOptions.Paper with { NSteps = 6, BatchSize = 3 }, seed: 1);
        Assert.Equal(new AgentSpec("dict", B, grid * grid + N, grid, 10), paper.Spec);

        // An env whose rows do not match the layout it reports is refused, naming both.
        var e = Assert.Throws<RLMix.Errors.UsageException>(() => AgentSpec.FromSpaces(env.ObservationSpace, env.ActionSpace, new ObservationLayout(grid + 1, N)));
        Assert.Contains($"{grid * grid + N} values", e.Message);
    }

    [Fact]
    public void PaperNetwork_DictObservation_MultiDiscrete_TrainsSavesLoadsAndActs()
    {
        using var env = new DictObservationEnv(Env());
        var options = PpoOptions.Paper with { NSteps = 6, BatchSize = 3 };
        using var agent = PpoAgent.Create(env, options, seed: 1);
        Assert.IsType<PaperPolicyNetwork>(agent.Network);
        Assert.Equal(new AgentSpec("dict", B, 64 + N, 8, 10), agent.Spec);

        var dumps = new RecordingSink();
        using var logger = new MetricLogger(dumps);
        var results = AgentTraining.Run(agent, env, episodes: 4, stepsPerEpisode: 3, logger);
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal(3, r.Steps));
        Assert.Equal(2, agent.Iterations);
        Assert.True(double.IsFinite(logger.Last["train/approx_kl"]));
        // The paper schedule over 12 steps: progress remaining after each rollout is 1/2, then 0 (as in SB3, the last update has lr 0).
        Assert.Equal([Math.Pow(0.5, 0.9) * 3e-4, 0.0], dumps.Dumps.Select(d => d.Values["train/learning_rate"]));
        Assert.Equal([6L, 12L], dumps.Dumps.Select(d => d.Step));

        var dir = PpoLearningTests.TempDir();
        agent.Save(dir);
        var policy = PolicyFactory.Create($"learned:{dir}", env.ObservationSpace, env.ActionSpace, layout: env.Layout);
        var obs = env.Reset().Observation;
        using var expected = agent.Act(obs, deterministic: true);
        using var actual = policy.Act(obs);
        Assert.Equal(expected.data<long>().ToArray(), actual.data<long>().ToArray());
        Assert.True(env.ActionSpace.Contains(actual));
        (policy as IDisposable)?.Dispose();
        Directory.Delete(dir, true);
    }

    [Fact]
    public void PaperNetwork_OutputShapes_AreBTimesKLogitsAndOneValue()
    {
        var spec = new AgentSpec("dict", B, 64 + N, 8, 10);
        using var g = new TorchSharp.torch.Generator(0);
        using var net = new PaperPolicyNetwork(B, 8, N, 10, 64, g);
        var obs = new Dictionary<string, Tensor> { ["saliency"] = rand(5, B, 8, 8), ["logits"] = randn(5, B, N) };
        var output = net.forward(obs);
        Assert.Equal(new long[] { 5, B, 10 }, output.Logits.shape);
        Assert.Equal(new long[] { 5, 1 }, output.Values.shape);
        // The same information as flat rows gives the same output.
        var flat = new Dictionary<string, Tensor> { ["obs"] = cat([obs["saliency"].flatten(-2), obs["logits"]], -1) };
        Assert.True(net.forward(flat).Logits.allclose(output.Logits));
        // 100 * 5 * 5 conv features + B * 256 logit features -> 256 (the official extractor).
        var fusion = net.named_parameters().Single(p => p.name == "fusion.0.weight").parameter;
        Assert.Equal(new long[] { 256, 2500 + B * 256 }, fusion.shape);
    }

    [Fact]
    public void PerImageNetwork_FlatObservation_PerImageCredit_TrainsInMixupEnv()
    {
        using var env = Env(new GradCosineImageReward());
        using var agent = PpoAgent.Create(env, PpoOptions.Default with { NSteps = 6, BatchSize = 3, PerImageCredit = true }, seed: 2);
        var results = AgentTraining.Run(agent, env, episodes: 2, stepsPerEpisode: 3);
        Assert.Equal(2, results.Count);
        Assert.Equal(1, agent.Iterations);
        Assert.All(results, r => Assert.InRange(r.MeanReward, -1.0, 1.0));
    }

    [Fact]
    public void Training_InMixupEnv_KeepsTheNumberOfLiveTensorsFlat()
    {
        using var env = Env(new GradCosineImageReward());
        using var agent = PpoAgent.Create(env, PpoOptions.Default with { NSteps = 6, BatchSize = 3 }, seed: 4);
        Ppo.Learn(agent, env, 12);                                   // warm up: two rollouts and updates
        var live = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        Ppo.Learn(agent, env, 48);                                   // six more, ending at the same phase
        Assert.Equal(live, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void RandomAndFixedPolicies_EvaluateInMixupEnv()
    {
        using var env = Env();
        var random = PolicyFactory.Create("random", env.ObservationSpace, env.ActionSpace, seed: 5);
        var results = PolicyEvaluation.Run(random, env, episodes: 2, seed: 1);
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(3, r.Steps));

        var backend = new FakeMixupBackend(N);
        using var env2 = new MixupEnv(backend, SyntheticBatches.Source(B, full: 3), N, B, seed: 3);
        var fixedPolicy = PolicyFactory.Create("fixed:0.55", env2.ObservationSpace, env2.ActionSpace);
        PolicyEvaluation.Run(fixedPolicy, env2, episodes: 1);
        Assert.All(backend.QsSeen, qs => Assert.All(qs, q => Assert.Equal(0.55f, q, 5)));
    }

    sealed class RecordingSink : IMetricSink
    {
        public List<(long Step, IReadOnlyDictionary<string, double> Values)> Dumps { get; } = [];
        public void Write(long step, IReadOnlyDictionary<string, double> values) => Dumps.Add((step, values));
        public void Dispose() { }
    }
}

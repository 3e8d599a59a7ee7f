using RLMix.Agents.Learning;
using RLMix.Agents.Metrics;
using RLMix.Agents.Policies;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

public sealed class PpoLearningTests
{
    static readonly PpoOptions Fast = PpoOptions.Default with { NSteps = 64, BatchSize = 16, LearningRate = 3e-3 };

    static double GreedyAccuracy(PpoAgent agent, BanditEnv env, int steps = 40)
    {
        var policy = new LearnedPolicy(agent);
        var results = PolicyEvaluation.Run(policy, env, episodes: steps / 8, seed: 999);
        return results.Sum(r => r.TotalReward) / results.Sum(r => r.Steps);
    }

    [Fact]
    public void Ppo_LearnsTheBandit_JointAction()
    {
        using var env = new BanditEnv();
        using var agent = PpoAgent.Create(env, Fast, seed: 1);
        var before = GreedyAccuracy(agent, new BanditEnv());
        using var logger = new MetricLogger();
        Ppo.Learn(agent, env, totalTimesteps: 1536, logger);
        var after = GreedyAccuracy(agent, new BanditEnv());
        Assert.True(after >= 0.95, $"greedy accuracy after training {after:F3} (before {before:F3})");
        Assert.True(before < 0.7, $"greedy accuracy before training {before:F3}");
        Assert.Equal(1536, agent.NumTimesteps);
        Assert.Equal(24, agent.Iterations);
        Assert.Equal(240, agent.NUpdates);
        foreach (var key in new[] { "rollout/ep_rew_mean", "train/policy_gradient_loss", "train/value_loss", "train/entropy_loss",
                     "train/approx_kl", "train/clip_fraction", "train/explained_variance", "train/loss", "train/learning_rate" })
            Assert.Contains(key, logger.Last.Keys);
    }

    [Fact]
    public void Ppo_LearnsTheBandit_PerImageCredit()
    {
        using var env = new BanditEnv();
        using var agent = PpoAgent.Create(env, Fast with { PerImageCredit = true }, seed: 2);
        Assert.Equal(4, agent.RewardWidth);
        Ppo.Learn(agent, env, totalTimesteps: 768);
        var after = GreedyAccuracy(agent, new BanditEnv());
        Assert.True(after >= 0.95, $"greedy accuracy after training {after:F3}");
    }

    [Fact]
    public void PerImageCredit_WithoutPerImageRewards_IsAClearError()
    {
        using var env = new ScalarOnlyEnv(new BanditEnv());
        using var agent = PpoAgent.Create(env, Fast with { PerImageCredit = true }, seed: 2);
        var e = Assert.Throws<RLMix.Errors.UsageException>(() => Ppo.Learn(agent, env, 10));
        Assert.Contains("grad-cosine-image", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rollout_TruncatedStepsBootstrapGammaTimesFinalValue_TerminatedStepsDoNot(bool terminate)
    {
        using var env = new BanditEnv(length: 2, terminate: terminate);
        using var agent = PpoAgent.Create(env, Fast with { NSteps = 8 }, seed: 3);
        var raw = new List<double>();
        // Stop after 4 of 8 steps, before any update changes the value network.
        Assert.False(Ppo.CollectRollout(agent, env, info => { raw.Add(info.Reward); return info.NumTimesteps < 4; }));

        // The final observation of the first episode: replay the env (its observations do not depend on actions).
        using var replay = new BanditEnv(length: 2, terminate: terminate);
        replay.Reset();
        using var anyAction = zeros(4, dtype: int64);
        replay.Step(anyAction);
        var final = replay.Step(anyAction).Observation;
        using var finalValue = agent.PredictValues(new Dictionary<string, Tensor> { ["obs"] = final });
        var stored = agent.Buffer.Rewards.flatten().data<float>().ToArray();
        Assert.Equal(raw[0], stored[0], 5);
        var expected = terminate ? raw[1] : raw[1] + 0.99 * finalValue.item<float>();
        Assert.Equal(expected, stored[1], 5);
        Assert.Equal(new[] { 1f, 0f, 1f, 0f }, agent.Buffer.EpisodeStarts.data<float>().Take(4).ToArray());
    }

    [Fact]
    public void SaveLoad_RoundTrip_GivesTheSameActions()
    {
        var dir = TempDir();
        using var env = new BanditEnv();
        using var agent = PpoAgent.Create(env, Fast, seed: 4);
        Ppo.Learn(agent, env, 64);
        agent.Save(dir);
        using var loaded = PpoAgent.Load(dir, env.ObservationSpace, env.ActionSpace, layout: null);
        Assert.Equal(agent.Options, loaded.Options with { });
        Assert.Equal(agent.Spec, loaded.Spec);
        Assert.Equal(agent.NumTimesteps, loaded.NumTimesteps);
        using var probe = new BanditEnv();
        var obs = probe.Reset(7).Observation;
        var o = new Dictionary<string, Tensor> { ["obs"] = obs };
        Assert.Equal(agent.Act(o, true).data<long>().ToArray(), loaded.Act(o, true).data<long>().ToArray());
        using var g1 = new TorchSharp.torch.Generator(5);
        using var g2 = new TorchSharp.torch.Generator(5);
        Assert.Equal(agent.Act(o, false, g1).data<long>().ToArray(), loaded.Act(o, false, g2).data<long>().ToArray());
        Assert.Equal([PpoAgent.FileName], Directory.GetFiles(dir).Select(Path.GetFileName));   // one file, no temporaries left
        Directory.Delete(dir, true);
    }

    [Fact]
    public void InterruptedTraining_ResumedFromACheckpoint_EndsExactlyAsAnUninterruptedRun()
    {
        using var envA = new BanditEnv();
        using var a = PpoAgent.Create(envA, Fast, seed: 6);
        Ppo.Learn(a, envA, 192);

        var dir = TempDir();
        using var envB = new BanditEnv();
        var b = PpoAgent.Create(envB, Fast, seed: 6);
        Ppo.Learn(b, envB, 192, onStep: info => info.NumTimesteps < 100);   // stop mid-rollout (rollouts of 64)
        Assert.Equal(100, b.NumTimesteps);
        b.Save(dir);
        b.Dispose();
        using var resumed = PpoAgent.Load(dir);
        Assert.Equal(36, resumed.Buffer.Pos);
        Ppo.Learn(resumed, envB, 192);                                     // the env continues from where it was

        Assert.Equal(a.NumTimesteps, resumed.NumTimesteps);
        var pa = a.Network.parameters().Select(p => p.data<float>().ToArray()).ToArray();
        var pr = resumed.Network.parameters().Select(p => p.data<float>().ToArray()).ToArray();
        for (var i = 0; i < pa.Length; i++) Assert.Equal(pa[i], pr[i]);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Load_IntoAMismatchedSpec_FailsNamingWhatDiffers()
    {
        var dir = TempDir();
        using var env = new BanditEnv(batchSize: 4, choices: 3);
        using (var agent = PpoAgent.Create(env, Fast, seed: 1)) agent.Save(dir);

        using var moreChoices = new BanditEnv(batchSize: 4, choices: 5);
        var e = Assert.Throws<RLMix.Errors.UsageException>(() => PpoAgent.Load(dir, moreChoices.ObservationSpace, moreChoices.ActionSpace, layout: null));
        Assert.Contains("does not fit", e.Message);
        Assert.Contains("3 features per image vs the env's 5", e.Message);
        Assert.Contains("3 action choices per image vs the env's 5", e.Message);

        // The per-image network works for any batch size.
        using var otherBatch = new BanditEnv(batchSize: 7, choices: 3);
        using var loaded = PpoAgent.Load(dir, otherBatch.ObservationSpace, otherBatch.ActionSpace, layout: null);
        var obs = otherBatch.Reset(1).Observation;
        Assert.Equal(new long[] { 7 }, loaded.Act(new Dictionary<string, Tensor> { ["obs"] = obs }, true).shape);

        var missing = Assert.Throws<RLMix.Errors.UsageException>(() => PpoAgent.Load(Path.Combine(dir, "nope")));
        Assert.Contains("agent.rlmix is missing", missing.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void AgentTraining_ReportsEachEpisode_AndStopsAfterN()
    {
        using var env = new BanditEnv(length: 8);
        using var agent = PpoAgent.Create(env, Fast with { NSteps = 16, BatchSize = 8 }, seed: 8);
        var seen = new List<EpisodeResult>();
        var results = AgentTraining.Run(agent, env, episodes: 3, stepsPerEpisode: 8, onEpisode: seen.Add);
        Assert.Equal([1, 2, 3], results.Select(r => r.Episode));
        Assert.Equal(results, seen);
        Assert.All(results, r => Assert.Equal(8, r.Steps));
        Assert.All(results, r => Assert.InRange(r.TotalReward, 0, 8));
        Assert.Equal(24, agent.NumTimesteps);
        Assert.Equal(1, agent.Iterations);       // 16-step rollouts: one update, the second rollout half full
        Assert.Equal(8, agent.Buffer.Pos);
    }

    [Fact]
    public void Load_RefusesAFileWithAFlippedBit_OrNaNWeights_NamingTheFile()
    {
        var dir = TempDir();
        using var env = new BanditEnv();
        using (var agent = PpoAgent.Create(env, Fast, seed: 2)) agent.Save(dir);
        var path = PpoAgent.PathIn(dir);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(path, bytes);
        var flipped = Assert.Throws<RLMix.Errors.DataException>(() => PpoAgent.Load(dir));
        Assert.Contains(path, flipped.Message);
        Assert.Contains("checksum", flipped.Message);

        using (var agent = PpoAgent.Create(env, Fast, seed: 2))
        {
            using (no_grad()) agent.Network.parameters().Last()[0] = float.NaN;   // a checksum cannot catch weights saved NaN
            agent.Save(dir);
        }
        var nan = Assert.Throws<RLMix.Errors.DataException>(() => PpoAgent.Load(dir));
        Assert.Contains(path, nan.Message);
        Assert.Contains("NaN", nan.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void RolloutLength_CapsAtATenthOfTheRun_OnlyWhenNotChosen()
    {
        Assert.Equal((160, 64), Capped(RolloutLength.ForRun(PpoOptions.Default, false, 1600, "per-image")));
        Assert.Equal((16, 16), Capped(RolloutLength.ForRun(PpoOptions.Default, false, 60, "per-image")));     // at least 16
        Assert.Equal((6, 6), Capped(RolloutLength.ForRun(PpoOptions.Default, false, 6, "per-image")));        // at most the run
        Assert.Null(RolloutLength.ForRun(PpoOptions.Default, true, 60, "per-image").Note);                   // chosen: kept
        Assert.Null(RolloutLength.ForRun(PpoOptions.Default with { NSteps = 100 }, false, 100_000, "per-image").Note);
        Assert.Contains("The run has 1600 steps: instead of the per-image preset's n_steps 2048, using n_steps 160", RolloutLength.ForRun(PpoOptions.Default, false, 1600, "per-image").Note);
        static (int, int) Capped((PpoOptions Options, string? Note) r) => (r.Options.NSteps, r.Options.BatchSize);
    }

    internal static string TempDir() => Directory.CreateTempSubdirectory("rlmix-agent-test-").FullName;

    /// <summary>The bandit without per-image rewards in its info.</summary>
    sealed class ScalarOnlyEnv(BanditEnv inner) : RLMix.Envs.IEnv<Tensor, Tensor>
    {
        public RLMix.Envs.Spaces.Space<Tensor> ObservationSpace => inner.ObservationSpace;
        public RLMix.Envs.Spaces.Space<Tensor> ActionSpace => inner.ActionSpace;
        public RLMix.Envs.ResetOutcome<Tensor> Reset(int? seed = null) => inner.Reset(seed);
        public RLMix.Envs.StepOutcome<Tensor> Step(Tensor action) => inner.Step(action) with { Info = new Dictionary<string, object>() };
        public void Dispose() => inner.Dispose();
    }
}

using RLMix.Agents.Metrics;
using RLMix.Agents.Policies;
using RLMix.Envs.Spaces;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Agents.Tests;

public sealed class PolicyTests
{
    static readonly MultiDiscrete Actions = new(Enumerable.Repeat(10L, 6).ToArray());
    static readonly Box Observations = new(0f, 1f, 6, 74);

    [Fact]
    public void RandomPolicy_IsUniformOverTheKValues_AndSeeded()
    {
        using var a = new RandomPolicy(Actions, seed: 3);
        using var b = new RandomPolicy(Actions, seed: 3);
        var counts = new int[10];
        using var obs = zeros(6, 74);
        for (var i = 0; i < 500; i++)
        {
            using var x = a.Act(obs);
            using var y = b.Act(obs);
            var xs = x.data<long>().ToArray();
            Assert.Equal(xs, y.data<long>().ToArray());
            foreach (var v in xs) counts[v]++;
        }
        Assert.All(counts, c => Assert.InRange(c, 3000 / 10 * 0.75, 3000 / 10 * 1.25));
    }

    [Fact]
    public void FixedPolicy_GivesEveryImageTheIndexOfQ()
    {
        var policy = new FixedPolicy(0.99, 6, 10);
        using var obs = zeros(6, 74);
        Assert.Equal(Enumerable.Repeat(9L, 6), policy.Act(obs).data<long>().ToArray());
        Assert.Equal("fixed:0.99", policy.Name);
        Assert.Equal(0, new FixedPolicy(0, 2, 10).Index);
        Assert.Equal(5, new FixedPolicy(0.55, 2, 10).Index);
    }

    [Theory]
    [InlineData("fixed:0.5", "not one of R-Mix's top-k values")]
    [InlineData("fixed:abc", "Q must be a number")]
    [InlineData("greedy", "Unknown policy 'greedy'")]
    [InlineData("learned:/nonexistent/agent/dir", "agent.rlmix is missing")]
    public void PolicyFactory_RejectsBadSpecsClearly(string spec, string message)
    {
        var e = Assert.Throws<UsageException>(() => PolicyFactory.Create(spec, Observations, Actions));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void MetricSinks_WriteCsvRowsAndTensorBoardEvents()
    {
        var dir = PpoLearningTests.TempDir();
        var lines = new List<string>();
        using (var logger = new MetricLogger(new CsvMetricSink(Path.Combine(dir, "progress.csv")), new TensorBoardMetricSink(Path.Combine(dir, "tb")), new ConsoleMetricSink(lines.Add)))
        {
            logger.Record("train/approx_kl", 0.25);
            logger.Record("train/approx_kl", 0.75);
            logger.Record("rollout/ep_rew_mean", 2);
            logger.Dump(100);
        }
        Assert.Equal(["step,key,value", "100,rollout/ep_rew_mean,2", "100,train/approx_kl,0.5"], File.ReadAllLines(Path.Combine(dir, "progress.csv")));
        var events = Directory.GetFiles(Path.Combine(dir, "tb"), "events.out.tfevents*");
        Assert.Single(events);
        Assert.True(new FileInfo(events[0]).Length > 0);
        Assert.Contains("| train/approx_kl", lines.Single());
        Directory.Delete(dir, true);
    }
}

using RLMix.Core.Tests.TensorBoard;
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
    public void MetricSinks_WriteWideCsvRowsAndTensorBoardEvents()
    {
        var dir = PpoLearningTests.TempDir();
        var lines = new List<string>();
        var csv = Path.Combine(dir, "progress.csv");
        using (var logger = new MetricLogger(new CsvMetricSink(csv), new TensorBoardMetricSink(Path.Combine(dir, "tb")), new ConsoleMetricSink(lines.Add)))
        {
            logger.Record("train/approx_kl", 0.25);
            logger.Record("train/approx_kl", 0.75);
            logger.Dump(100);
            // A key that appears later widens the header; the earlier row gets an empty cell (SB3's CSVOutputFormat).
            logger.Record("rollout/ep_rew_mean", 2);
            logger.Record("train/approx_kl", 0.125);
            logger.Dump(200);
        }
        Assert.Equal(["time/total_timesteps,train/approx_kl,rollout/ep_rew_mean", "100,0.5,", "200,0.125,2"], File.ReadAllLines(csv));
        var events = EventFileReader.Read(Assert.Single(Directory.GetFiles(Path.Combine(dir, "tb"), "events.out.tfevents*")));
        Assert.Equal([0L, 100L, 200L], events.Select(e => e.Step));
        Assert.Contains(("rollout/ep_rew_mean", 2f), events[2].Scalars);
        Assert.Contains("| train/approx_kl", lines[0]);

        // A resumed run cuts the CSV back to the checkpoint's rows and drops the columns only later rows used.
        CsvMetricSink.Truncate(csv, 1);
        Assert.Equal(["time/total_timesteps,train/approx_kl", "100,0.5"], File.ReadAllLines(csv));
        using (var sink = new CsvMetricSink(csv, append: true))
            sink.Write(200, new Dictionary<string, double> { ["time/total_timesteps"] = 200, ["train/approx_kl"] = 0.125, ["rollout/ep_rew_mean"] = 2 });
        Assert.Equal(["time/total_timesteps,train/approx_kl,rollout/ep_rew_mean", "100,0.5,", "200,0.125,2"], File.ReadAllLines(csv));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void MetricLogger_WithClock_AddsSb3TimeKeys()
    {
        var dumps = new List<IReadOnlyDictionary<string, double>>();
        using var logger = new MetricLogger(new ListSink(dumps));
        logger.StartClock(startStep: 40, secondsBefore: 7);
        logger.Record("train/loss", 1);
        logger.Dump(50);
        var d = Assert.Single(dumps);
        Assert.Equal(50, d["time/total_timesteps"]);
        Assert.True(d["time/time_elapsed"] >= 7, $"time_elapsed {d["time/time_elapsed"]} lost the earlier sessions' 7 s");
        Assert.True(d["time/fps"] >= 0);
        Assert.Equal(["time/fps", "time/time_elapsed", "time/total_timesteps", "train/loss"], d.Keys);
    }

    sealed class ListSink(List<IReadOnlyDictionary<string, double>> dumps) : IMetricSink
    {
        public void Write(long step, IReadOnlyDictionary<string, double> values) => dumps.Add(values);
        public void Dispose() { }
    }
}

using System.IO.Compression;
using System.Text.Json;
using RLMix.Mixing.CoMixup;
using Xunit.Abstractions;

namespace RLMix.Core.Tests.Mixing.CoMixup;

/// <summary>
/// Replays runs of the official Co-Mixup code (snu-mllab/Co-Mixup's mixup_process and
/// get_onehot_matrix with pyGCO, on the CPU) recorded by benchmarks/official-comixup/record.py:
/// for every partition, the same cost matrix, compatibility A, Dirichlet prior and initial labeling,
/// with torch.topk's choice among tied label counts given, must lead <see cref="CoMixupSolver"/> to
/// the official final labeling in every cell.
/// </summary>
public sealed class OfficialReplayTests(ITestOutputHelper output)
{
    static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Mixing", "CoMixup", "official-replay.json.gz");

    [Fact]
    public void EveryRecordedPartition_EndsOnTheOfficialFinalLabeling()
    {
        using var file = File.OpenRead(Fixture);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var json = JsonDocument.Parse(gzip);
        var partitions = 0;
        var differing = new List<string>();
        foreach (var run in json.RootElement.GetProperty("runs").EnumerateArray())
        {
            var settings = run.GetProperty("settings");
            var options = new CoMixupOptions
            {
                Beta = settings.GetProperty("m_beta").GetDouble(),
                Gamma = settings.GetProperty("m_gamma").GetDouble(),
                Eta = settings.GetProperty("m_eta").GetDouble(),
                Tau = settings.GetProperty("m_thres").GetDouble(),
                Alpha = settings.GetProperty("mixup_alpha").GetDouble(),
                Iterations = settings.GetProperty("m_niter").GetInt32(),
                SetResolve = settings.GetProperty("set_resolve").GetBoolean(),
                PartitionSize = settings.GetProperty("m_part").GetInt32(),
                Threshold = settings.GetProperty("m_thres_type").GetString() == "soft" ? CoMixupThreshold.Soft : CoMixupThreshold.Hard,
            };
            foreach (var p in run.GetProperty("partitions").EnumerateArray())
            {
                int m = p.GetProperty("m").GetInt32(), h = p.GetProperty("height").GetInt32(), w = p.GetProperty("width").GetInt32();
                var solver = new CoMixupSolver(options, h, w);
                var first = new int[m * h * w];
                var second = new int[m * h * w];
                var topThree = p.GetProperty("top_three").EnumerateArray().Select(t => (t[0].GetInt32(), t[1].GetInt32(), t[2].GetInt32())).ToList();
                solver.SolvePartition(Doubles(p, "cost"), Doubles(p, "compatibility"), Doubles(p, "prior"), Ints(p, "initial"), first, second, topThree);

                var officialFirst = Ints(p, "final_first");
                var officialSecond = Ints(p, "final_second");
                var cells = 0;
                for (var k = 0; k < first.Length; k++)
                {
                    var same = (first[k] == officialFirst[k] && second[k] == officialSecond[k]) || (first[k] == officialSecond[k] && second[k] == officialFirst[k]);
                    if (!same) cells++;
                }
                if (cells > 0) differing.Add($"grid {h}x{w} {options.Threshold} partition {partitions}: {cells} of {first.Length} cells differ");
                partitions++;
            }
        }
        output.WriteLine($"{partitions} recorded partitions replayed; {differing.Count} differ");
        foreach (var line in differing) output.WriteLine(line);
        Assert.True(partitions >= 17, $"the fixture holds {partitions} partitions; expected 17");
        Assert.Empty(differing);
    }

    [Fact]
    public void Replay_WithTooFewOrTooManyTopThreeChoices_IsRefused()
    {
        using var file = File.OpenRead(Fixture);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var json = JsonDocument.Parse(gzip);
        var p = json.RootElement.GetProperty("runs")[0].GetProperty("partitions")[0];
        int m = p.GetProperty("m").GetInt32(), n = p.GetProperty("height").GetInt32() * p.GetProperty("width").GetInt32();
        var recorded = p.GetProperty("top_three").EnumerateArray().Select(t => (t[0].GetInt32(), t[1].GetInt32(), t[2].GetInt32())).ToList();
        Assert.NotEmpty(recorded);
        var solver = new CoMixupSolver(new CoMixupOptions(), 4, 4);
        var first = new int[m * n];
        var second = new int[m * n];
        void Replay(IEnumerable<(int, int, int)> topThree) =>
            solver.SolvePartition(Doubles(p, "cost"), Doubles(p, "compatibility"), Doubles(p, "prior"), Ints(p, "initial"), first, second, topThree);

        Assert.Throws<InvalidOperationException>(() => Replay(recorded.Take(recorded.Count - 1)));
        Assert.Throws<ArgumentException>(() => Replay(recorded.Append(recorded[0])));
    }

    static double[] Doubles(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetDouble()).ToArray();
    static int[] Ints(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(x => x.GetInt32()).ToArray();
}

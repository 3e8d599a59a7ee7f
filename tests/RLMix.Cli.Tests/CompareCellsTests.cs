using System.Diagnostics;
using System.Text.Json.Nodes;
using RLMix.IO;

namespace RLMix.Cli.Tests;

/// <summary>
/// <c>rlmix compare --list-cells</c>, <c>--cell K</c>, <c>--collect</c> and <c>--slurm</c> without a cluster: one cell at
/// a time, the reports from the cells, the script of the unfinished cells, and exit 2 for the combinations that make no sense.
/// </summary>
public sealed class CompareCellsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-cells-").FullName;

    public CompareCellsTests() => WriteConfig(1);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>2 entries x 2 seeds on tiny synthetic data: cells 0 vanilla/seed0, 1 mixup/seed0, 2 vanilla/seed1, 3 mixup/seed1.</summary>
    void WriteConfig(int epochs) => File.WriteAllText(Path.Combine(dir, "c.json"), new JsonObject
    {
        ["name"] = "t", ["dataset"] = "synthetic", ["epochs"] = epochs, ["seeds"] = new JsonArray(0, 1),
        ["base"] = JsonNode.Parse("""{ "data": { "limit_train": 100, "limit_test": 50, "batch_size": 50 } }"""),
        ["entries"] = JsonNode.Parse("""[ { "name": "vanilla", "method": "vanilla" }, { "name": "mixup", "method": "mixup" } ]"""),
    }.ToJsonString());

    RlmixProcess.Result Compare(params string[] extra) => RlmixProcess.Run(dir, ["compare", "--config", "c.json", "--out", "cmp", .. extra]);

    bool Finished(string entry, int seed) => File.Exists(Path.Combine(dir, "cmp", entry, $"seed{seed}", "metrics.json"));

    [Fact]
    public void Help_ShowsTheCellAndSlurmOptions()
    {
        var help = RlmixProcess.Run(dir, "compare", "--help");

        Assert.Equal(0, help.ExitCode);
        foreach (var option in new[] { "--list-cells", "--cell", "--collect", "--slurm", "--submit", "--sbatch-option" })
            Assert.Contains(option, help.Output);
    }

    [Fact]
    public void CellK_RunsExactlyThatCell_ListCellsShowsIt_CollectNamesTheMissingOnes_AndAPlainCompareFinishesTheRest()
    {
        var one = Compare("--cell", "1");
        Assert.True(one.ExitCode == 0, one.Output);
        Assert.Equal([false, true, false, false], new[] { Finished("vanilla", 0), Finished("mixup", 0), Finished("vanilla", 1), Finished("mixup", 1) });
        Assert.True(File.Exists(Path.Combine(dir, "cmp", "mixup", "seed0", "log.txt")));
        Assert.False(File.Exists(Path.Combine(dir, "cmp", "results.md")));

        var list = Compare("--list-cells");
        Assert.True(list.ExitCode == 0, list.Output);
        var rows = list.Output.Split('\n').Where(l => l.Length > 0 && char.IsDigit(l[0]) && !l.Contains("cells:")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["0 vanilla 0 new", "1 mixup 0 done", "2 vanilla 1 new", "3 mixup 1 new"], rows.Select(r => string.Join(' ', r.Take(4))));
        Assert.Equal(Path.Combine("cmp", "mixup", "seed0"), rows[1][4]);

        var collect = Compare("--collect");
        Assert.True(collect.ExitCode == 3, collect.Output);
        Assert.Contains("3 of 4 cells", collect.Output);
        Assert.Contains("0 vanilla/seed0: missing (never started)", collect.Output);
        Assert.Contains("3 mixup/seed1: missing", collect.Output);
        Assert.DoesNotContain("1 mixup/seed0", collect.Output);
        Assert.Contains("rlmix compare --config c.json --out cmp --slurm --submit", collect.Output);
        Assert.False(File.Exists(Path.Combine(dir, "cmp", "results.md")));

        var rest = Compare();
        Assert.True(rest.ExitCode == 0, rest.Output);
        Assert.Contains("mixup seed 0: finished earlier, skipped", rest.Output);
        string results = File.ReadAllText(Path.Combine(dir, "cmp", "results.md"));
        var collected = Compare("--collect");
        Assert.True(collected.ExitCode == 0, collected.Output);
        Assert.Equal(results, File.ReadAllText(Path.Combine(dir, "cmp", "results.md")));
    }

    [Fact]
    public void Slurm_WritesAnArrayOfTheUnfinishedCells_ThatRunsACopyOfTheConfigWithThisBuild()
    {
        Assert.Equal(0, Compare("--cell", "1").ExitCode);

        var r = Compare("--slurm", "--sbatch-option=--partition=long", "--sbatch-option", "--time=1-00:00:00");

        Assert.True(r.ExitCode == 0, r.Output);
        Assert.Contains("sbatch " + Path.Combine("cmp", "slurm", "compare.sbatch"), r.Output);
        string script = File.ReadAllText(Path.Combine(dir, "cmp", "slurm", "compare.sbatch"));
        Assert.Contains("#SBATCH --array=0,2-3\n", script);
        Assert.Contains("#SBATCH --partition=long\n#SBATCH --time=1-00:00:00\n", script);
        Assert.Contains($"'{Path.Combine(AppContext.BaseDirectory, "rlmix.dll")}'", script);
        Assert.Contains($"'--config' '{Path.Combine(dir, "cmp", "slurm", "compare.json")}' '--out' '{Path.Combine(dir, "cmp")}' --cell \"$SLURM_ARRAY_TASK_ID\"", script);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "c.json")), File.ReadAllText(Path.Combine(dir, "cmp", "slurm", "compare.json")));
    }

    [Theory]
    [InlineData("--cell 4 is out of range: the comparison 't' has 4 cells, 0 to 3", "--cell", "4")]
    [InlineData("--cell -1 is out of range", "--cell", "-1")]
    [InlineData("--submit only goes with --slurm", "--submit")]
    [InlineData("--sbatch-option only goes with --slurm", "--sbatch-option=--time=1:00:00")]
    [InlineData("--list-cells and --collect cannot be combined", "--list-cells", "--collect")]
    [InlineData("--cell and --slurm cannot be combined", "--cell", "0", "--slurm")]
    [InlineData("rlmix sets --array itself", "--slurm", "--sbatch-option=--array=0-1")]
    [InlineData("--rerun-changed reruns cells", "--collect", "--rerun-changed")]
    public void BadCombinations_AreExit2NamingTheProblem_AndWriteNothing(string expected, params string[] args)
    {
        var r = Compare(args);

        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains(expected, r.Output);
        Assert.False(Directory.Exists(Path.Combine(dir, "cmp")));
    }

    [Fact]
    public void Submit_WithoutSbatchOnThePath_IsExit2NamingSbatch_AndWritesNothing()
    {
        var psi = RlmixProcess.StartInfo(dir, "compare", "--config", "c.json", "--out", "cmp", "--slurm", "--submit");
        psi.FileName = Path.Combine(Path.GetDirectoryName(Environment.ProcessPath)!, "dotnet") is var d && File.Exists(d) ? d : "dotnet";
        psi.Environment["PATH"] = dir;   // no sbatch here
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();

        Assert.True(p.ExitCode == 2, output);
        Assert.Contains("--submit needs Slurm's sbatch on the PATH", output);
        Assert.False(Directory.Exists(Path.Combine(dir, "cmp")));
    }

    [Fact]
    public void ChangedConfig_IsExit2ForCellAndSlurm_NamingTheCellAndTheSetting()
    {
        Assert.Equal(0, Compare("--cell", "0").ExitCode);
        WriteConfig(2);

        foreach (var args in new[] { new[] { "--cell", "0" }, ["--slurm"], ["--collect"] })
        {
            var r = Compare(args);
            Assert.True(r.ExitCode == 2, string.Join(' ', args) + ": " + r.Output);
            Assert.Contains("vanilla/seed0: epochs: the cell has 1, the config now gives 2", r.Output);
        }
        Assert.False(File.Exists(Path.Combine(dir, "cmp", "slurm", "compare.sbatch")));
        Assert.Contains("changed", Compare("--list-cells").Output.Split('\n').Single(l => l.StartsWith("0 ", StringComparison.Ordinal)));
    }

    [Fact]
    public void CellWrittenByAnotherProcess_IsExit2NamingTheHolder()
    {
        string cell = Directory.CreateDirectory(Path.Combine(dir, "cmp", "mixup", "seed1")).FullName;
        using var held = DirectoryLock.Acquire(cell, "cell directory");

        var r = Compare("--cell", "3");

        Assert.True(r.ExitCode == 2, r.Output);
        Assert.Contains($"is in use by another rlmix process (host {Environment.MachineName}, pid {Environment.ProcessId}", r.Output);
        Assert.Contains($"locked by host {Environment.MachineName}, pid {Environment.ProcessId}", Compare("--list-cells").Output);
    }
}

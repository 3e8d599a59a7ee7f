using System.CommandLine;
using Microsoft.Extensions.Logging;
using RLMix.Cli.Console;
using RLMix.Experiments;
using RLMix.Training;

namespace RLMix.Cli.Commands;

/// <summary><c>rlmix compare</c>: runs entries x seeds and writes results.md, results.csv, results.json and plots.</summary>
internal static class CompareCommand
{
    public static Command Create(MethodCatalog methods)
    {
        var config = new Option<string>("--config", "-c") { Description = "Comparison config (see experiments/quickstart.json).", Required = true };
        var outDir = new Option<string?>("--out", "-o") { Description = "Output directory (default runs/compare-NAME)." };
        var rerunChanged = new Option<bool>("--rerun-changed") { Description = "Redo the cells that were run with other settings than the config now gives (their directories are replaced); without it such cells are an error." };
        var set = RunConfigOptions.SetOption();
        var listCells = new Option<bool>("--list-cells") { Description = "Print the cells (index, entry, seed, state: done/partial/new/changed, directory) and exit; the indices are those of --cell." };
        var cell = new Option<int?>("--cell") { HelpName = "K", Description = "Run only cell K (what a Slurm array task runs); only its directory is locked, so cells can run at once on several nodes." };
        var collect = new Option<bool>("--collect") { Description = "Train nothing: write results.md/csv/json and plots from the finished cells, or name the cells that are missing or failed and how to run just those." };
        var slurm = new Option<bool>("--slurm") { Description = "Write DIR/slurm/compare.sbatch, a Slurm job array of the unfinished cells (a task per cell; SIGTERM before the time limit checkpoints and requeues). DIR must be on a file system all nodes share." };
        var submit = new Option<bool>("--submit") { Description = "With --slurm: also submit the script with sbatch and print the job id." };
        var sbatchOption = new Option<string[]>("--sbatch-option")
        {
            HelpName = "OPT",
            Description = "With --slurm: an #SBATCH line for your cluster, e.g. --sbatch-option=--partition=gpu --sbatch-option=--time=24:00:00 --sbatch-option=--gres=gpu:1 --sbatch-option=--cpus-per-task=4 --sbatch-option=--mem=16G (repeatable).",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("compare", "Train every entry of a comparison config with every seed (cells finished under the same settings are reused, interrupted ones resume), then write results.md/csv/json and PNG plots.");
        command.Add(config);
        command.Add(outDir);
        command.Add(rerunChanged);
        command.Add(set);
        command.Add(listCells);
        command.Add(cell);
        command.Add(collect);
        command.Add(slurm);
        command.Add(submit);
        command.Add(sbatchOption);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            string[] modes = [.. new[] { ("--list-cells", p.GetValue(listCells)), ("--cell", p.GetValue(cell) is not null), ("--collect", p.GetValue(collect)), ("--slurm", p.GetValue(slurm)) }
                .Where(m => m.Item2).Select(m => m.Item1)];
            if (modes.Length > 1) throw new Errors.UsageException($"{modes[0]} and {modes[1]} cannot be combined; give one of --list-cells, --cell, --collect, --slurm.");
            var sbatchOptions = p.GetValue(sbatchOption) ?? [];
            if (!p.GetValue(slurm) && (p.GetValue(submit) || sbatchOptions.Length > 0))
                throw new Errors.UsageException($"{(p.GetValue(submit) ? "--submit" : "--sbatch-option")} only goes with --slurm (rlmix compare --config C --out DIR --slurm --submit).");
            if (p.GetValue(rerunChanged) && (p.GetValue(listCells) || p.GetValue(collect)))
                throw new Errors.UsageException($"--rerun-changed reruns cells; {modes[0]} runs none. Leave out one of them.");

            if (p.GetValue(slurm) && p.GetValue(set) is { Length: > 0 })
                throw new Errors.UsageException("--set cannot be combined with --slurm: the array tasks read the config file itself. Write the overrides into the config file.");
            string configPath = p.GetValue(config)!;
            var experiment = ExperimentConfig.Load(configPath, methods, p.GetValue(set));
            string dir = p.GetValue(outDir) ?? Path.Combine("runs", "compare-" + experiment.Name);
            IO.OutputDirectory.Check(dir);
            if (p.GetValue(listCells))
            {
                CompareSlurm.ListCells(experiment, dir, methods);
                return 0;
            }
            if (p.GetValue(slurm))
            {
                string[] global = ["--grace-period", p.GetValue(Cli.GracePeriod).ToString("R", System.Globalization.CultureInfo.InvariantCulture), .. p.GetValue(Cli.Verbose) ? new[] { "--verbose" } : []];
                return CompareSlurm.Write(ctx, configPath, experiment, methods, dir, p.GetValue(submit), sbatchOptions, p.GetValue(rerunChanged), global);
            }
            if (p.GetValue(collect))
            {
                var collected = ComparisonCollect.Collect(experiment, dir, methods, cells => CompareSlurm.HowToRun(configPath, dir, cells));
                System.Console.WriteLine(ComparisonReport.Markdown(collected));
                ctx.Logger.LogInformation("Wrote {Dir}/results.md, results.csv, results.json and plots from the {Cells} cells.", dir, collected.Cells.Count);
                return 0;
            }
            if (p.GetValue(cell) is int k) return RunCell(ctx, experiment, methods, dir, k, p.GetValue(rerunChanged));
            int cells = experiment.Entries.Length * experiment.Seeds.Length;
            ctx.Logger.LogInformation("rlmix compare '{Name}': {Entries} entries x {Seeds} seeds = {Cells} cells -> {Dir}",
                experiment.Name, experiment.Entries.Length, experiment.Seeds.Length, cells, dir);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            int ran = 0;
            bool logOpen = false;
            var result = ProgressObserver.Run(ctx.Logger, observer => Comparison.Run(methods, experiment, dir, (i, total, entry, seed, skipped) =>
            {
                // The log opens once the comparison holds its directory: a refused comparison writes nothing.
                if (!logOpen) ctx.OpenLogFile(Path.Combine(dir, "log.txt"));
                logOpen = true;
                if (skipped)
                {
                    ctx.Logger.LogInformation("Cell {I}/{Total} {Entry} seed {Seed}: finished earlier, skipped.", i + 1, total, entry, seed);
                    return observer;
                }
                string eta = ran == 0 ? "unknown" : $"{clock.Elapsed.TotalSeconds / ran * (total - i):F0} s";
                ran++;
                ctx.Logger.LogInformation("Cell {I}/{Total}: {Entry} seed {Seed} (comparison ETA {Eta})", i + 1, total, entry, seed, eta);
                return observer;
            }, ctx.Cancel, p.GetValue(rerunChanged), message => ctx.Logger.LogInformation("{Message:l}", message)));
            System.Console.WriteLine();
            System.Console.WriteLine(ComparisonReport.Markdown(result));
            ctx.Logger.LogInformation("Wrote {Dir}/results.md, results.csv, results.json and plots.", dir);
            return 0;
        }, graceful: true));
        return command;
    }

    /// <summary><c>--cell K</c>: runs one cell, logging to its directory's log.txt.</summary>
    static int RunCell(Cli.Context ctx, ExperimentConfig experiment, MethodCatalog methods, string dir, int k, bool rerunChanged)
    {
        var cells = ComparisonCell.All(experiment, dir, methods);
        if (k < 0 || k >= cells.Count)
            throw new Errors.UsageException($"--cell {k} is out of range: the comparison '{experiment.Name}' has {cells.Count} cells, 0 to {cells.Count - 1} (rlmix compare --list-cells shows them).");
        var cell = cells[k];
        ctx.Logger.LogInformation("rlmix compare '{Name}' cell {K} of 0-{Last}: {Label} -> {Dir}", experiment.Name, k, cells.Count - 1, cell.Label, cell.Directory);
        var (_, skipped) = ProgressObserver.Run(ctx.Logger, observer => cell.RunAlone(methods, rerunChanged, () => ctx.OpenLogFile(Path.Combine(cell.Directory, "log.txt")),
            observer, ctx.Cancel, message => ctx.Logger.LogInformation("{Message:l}", message)));
        ctx.Logger.LogInformation(skipped ? "Cell {K} {Label} had finished earlier; nothing to do." : "Cell {K} {Label} finished.", k, cell.Label);
        return 0;
    }
}

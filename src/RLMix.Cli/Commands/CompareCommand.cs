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
        var command = new Command("compare", "Train every entry of a comparison config with every seed (cells finished under the same settings are reused, interrupted ones resume), then write results.md/csv/json and PNG plots.");
        command.Add(config);
        command.Add(outDir);
        command.Add(rerunChanged);
        command.Add(set);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            var experiment = ExperimentConfig.Load(p.GetValue(config)!, methods, p.GetValue(set));
            string dir = p.GetValue(outDir) ?? Path.Combine("runs", "compare-" + experiment.Name);
            IO.OutputDirectory.Check(dir);
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
}

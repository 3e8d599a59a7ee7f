using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RLMix.Experiments.Benchmarks;
using RLMix.Configuration;
using RLMix.IO;
using Spectre.Console;

namespace RLMix.Cli.Commands;

/// <summary><c>rlmix bench</c>: per-step time of each method as a ratio to vanilla, parts, memory growth.</summary>
internal static class BenchCommand
{
    public static Command Create(Training.MethodCatalog catalog)
    {
        var methods = new Option<string[]>("--methods") { Description = $"Methods to time (default: all of {string.Join(", ", catalog.Names)}).", AllowMultipleArgumentsPerToken = true };
        var model = new Option<string>("--model") { Description = "Model.", DefaultValueFactory = _ => "small-cnn" };
        var batch = new Option<int>("--batch-size", "-b") { Description = "Batch size.", DefaultValueFactory = _ => 100 };
        var channels = new Option<int>("--channels") { Description = "Image channels (32x32 images).", DefaultValueFactory = _ => 3 };
        var defaults = new BenchOptions();
        var steps = new Option<int>("--steps") { Description = "Minimum timed alternating rounds per group (each: one block of 4 steps per method, each between two vanilla blocks).", DefaultValueFactory = _ => defaults.Steps };
        var precision = new Option<double>("--precision") { Description = "After the minimum rounds, keep timing rounds until every ratio's 95% interval is at most this fraction of its median (0.06 = 6%).", DefaultValueFactory = _ => defaults.Precision.Target };
        var maxRounds = new Option<int>("--max-rounds") { Description = "Cap on each group's timed rounds (at least --steps; equal to it: a fixed number of rounds).", DefaultValueFactory = _ => defaults.Precision.MaxRounds };
        var maxMinutes = new Option<double>("--max-minutes") { Description = "Cap on the minutes of each group's timed blocks.", DefaultValueFactory = _ => defaults.Precision.MaxMinutes };
        var memory = new Option<int>("--memory-steps") { Description = "Steps per method of the memory check (0 skips it).", DefaultValueFactory = _ => 200 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var outFile = new Option<string?>("--out", "-o") { Description = "Write the bench JSON here." };
        var config = new Option<string?>("--config") { Description = "A run config whose method sections (e.g. \"comixup\": { \"clean_lambda\": 0 }) set the timed methods' options." };
        var set = RunConfigOptions.SetOption();
        var command = new Command("bench", "Time one full training step of each method in alternating rounds (ratios to vanilla within each round: median and bootstrap 95% interval), the parts of a step, the mixers, and memory growth.");
        foreach (var o in new Option[] { methods, model, batch, channels, steps, precision, maxRounds, maxMinutes, memory, device, outFile, config, set }) command.Add(o);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            var options = new BenchOptions
            {
                Methods = p.GetValue(methods) is { Length: > 0 } m ? m : null,
                Model = p.GetValue(model)!, BatchSize = p.GetValue(batch), Image = [p.GetValue(channels), 32, 32],
                Steps = p.GetValue(steps),
                Precision = defaults.Precision with { Target = p.GetValue(precision), MaxRounds = MaxRounds(p, maxRounds, p.GetValue(steps)), MaxMinutes = p.GetValue(maxMinutes) },
                MemorySteps = p.GetValue(memory), Device = p.GetValue(device)!,
                MethodOptions = p.GetValue(config) is { } file ? ConfigFile.Load(file, catalog.Names, p.GetValue(set)).Methods
                    : p.GetValue(set) is { Length: > 0 } sets ? ConfigFile.Parse(ConfigOverrides.Apply("{}", sets, "--set"), catalog.Names, "--set").Methods
                    : null,
            };
            DeviceName.Check(options.Device);   // the same exit 2 as train for a CUDA device this build or machine lacks
            if (options.Steps < 1 || options.BatchSize < 1 || options.MemorySteps < 0)
                throw new Errors.UsageException("--steps and --batch-size must be at least 1, --memory-steps at least 0.");
            if (!(options.Precision.Target > 0))
                throw new Errors.UsageException($"--precision must be above 0 (a fraction of the ratio: 0.06 is 6%), not {options.Precision.Target}.");
            if (options.Precision.MaxRounds < options.Steps)
                throw new Errors.UsageException($"--max-rounds ({options.Precision.MaxRounds}) must be at least --steps ({options.Steps}); set them equal for a fixed number of rounds.");
            if (!(options.Precision.MaxMinutes > 0))
                throw new Errors.UsageException($"--max-minutes must be above 0, not {options.Precision.MaxMinutes}.");
            // Every timed method and its options are checked by StepBenchmark before the first step.
            var report = StepBenchmark.Run(catalog, options, line => ctx.Logger.LogInformation("{Line:l}", line));

            var table = new Table().AddColumns("method", "median ms/step", "ratio to vanilla", "95% CI", "quartiles (per round)");
            foreach (var t in report.Methods)
                table.AddRow(t.Method, $"{t.MedianMs:F1}", $"{t.RatioToVanilla:F2}x{(t.WideInterval ? " [yellow](wide)[/]" : "")}",
                    $"{t.RatioCi95[0]:F2}-{t.RatioCi95[1]:F2}", $"{t.RatioQuartiles[0]:F2}-{t.RatioQuartiles[1]:F2}");
            foreach (var pair in report.Pairs)
                table.AddRow($"{pair.Method} / {pair.To}", "", $"{pair.Ratio:F2}x {pair.To}{(pair.WideInterval ? " [yellow](wide)[/]" : "")}", $"{pair.RatioCi95[0]:F2}-{pair.RatioCi95[1]:F2}", "");
            foreach (var part in report.Parts)
                table.AddRow($"[grey]part: {Markup.Escape(part.Name)}[/]", $"{part.MedianMs:F2}",
                    part.Ratio is { } r ? $"{r:F2}x {Markup.Escape(part.RatioTo!)}{(part.WideInterval == true ? " [yellow](wide)[/]" : "")}" : "",
                    part.RatioCi95 is { } ci ? $"{ci[0]:F2}-{ci[1]:F2}" : "", "");
            AnsiConsole.Write(table);
            var machine = report.Machine;
            ctx.Logger.LogInformation("{Build} build, {Threads} torch threads, {Cores} cores, {Cpu}; load average {Start} at the start, {End} at the end; malloc: {Malloc}",
                machine.BuildConfiguration, machine.TorchThreads, machine.ProcessorCount, machine.CpuModel, Load(machine.LoadAverageStart), Load(machine.LoadAverageEnd), machine.Malloc);
            foreach (var t in report.Methods)
                if (t.Charged is { } c)
                    ctx.Logger.LogInformation("{Method}'s step is charged {PerStep:G4} x {Part} per step ({Basis}); without that charge it is {Without:F2}x vanilla ({Ms:F1} ms)",
                        t.Method, c.UnitsPerStep, c.Part, c.Basis, c.RatioToVanillaWithout, c.MedianMsWithout);
            foreach (var g in report.Precision.Groups)
                ctx.Logger.LogInformation("{Group}: {Rounds} alternating rounds (at least {Min}), {Minutes:F1} minutes of timed blocks; stopped: {Stop}",
                    g.Group, g.Rounds, g.MinRounds, g.Minutes, g.Stop);
            if (machine.BuildConfiguration != "Release")
                ctx.Logger.LogWarning("This is a {Build} build: its timings are not representative. Build with -c Release.", machine.BuildConfiguration);
            foreach (var w in report.Warmup.Groups.Where(g => !g.Stable))
                ctx.Logger.LogWarning("Warm-up of {Group} did not become stable within {Rounds} rounds ({Criterion}).", w.Group, w.Rounds, w.Criterion);
            if (report.WideIntervals.Count > 0)
                ctx.Logger.LogWarning("The 95% interval is wider than {Threshold:P0} of the ratio for {Names}: the machine's load varied too much for these ratios; rerun on an idle machine, or allow more rounds (--max-rounds, --max-minutes).",
                    report.WideIntervalThreshold, string.Join(", ", report.WideIntervals));
            if (report.Memory.Count > 0)
            {
                var mem = new Table().AddColumns("method", "steps", "RSS MiB start", "RSS MiB end", "managed MiB start", "managed MiB end", "live tensors start", "live tensors end");
                foreach (var g in report.Memory)
                    mem.AddRow(g.Method, $"{g.Steps}", $"{g.RssMbStart:F0}", $"{g.RssMbEnd:F0}", $"{g.ManagedMbStart:F1}", $"{g.ManagedMbEnd:F1}", $"{g.LiveTensorsStart}", $"{g.LiveTensorsEnd}");
                AnsiConsole.Write(mem);
            }
            if (p.GetValue(outFile) is { } path)
            {
                AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, ConfigFile.JsonOptions));
                ctx.Logger.LogInformation("Wrote {Path}", path);
            }
            return 0;
        }));
        return command;
    }

    // A --steps above the default cap raises the cap with it unless --max-rounds was given.
    static int MaxRounds(ParseResult p, Option<int> maxRounds, int steps) =>
        p.GetResult(maxRounds) is { Implicit: false } ? p.GetValue(maxRounds) : Math.Max(p.GetValue(maxRounds), steps);

    static string Load(double[]? load) => load is null ? "n/a" : string.Join(" ", load.Select(l => l.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)));
}

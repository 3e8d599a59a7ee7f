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
    public static Command Create()
    {
        var methods = new Option<string[]>("--methods") { Description = "Methods to time (default: all).", AllowMultipleArgumentsPerToken = true };
        var model = new Option<string>("--model") { Description = "Model.", DefaultValueFactory = _ => "small-cnn" };
        var batch = new Option<int>("--batch-size", "-b") { Description = "Batch size.", DefaultValueFactory = _ => 100 };
        var channels = new Option<int>("--channels") { Description = "Image channels (32x32 images).", DefaultValueFactory = _ => 3 };
        var steps = new Option<int>("--steps") { Description = "Timed steps per method.", DefaultValueFactory = _ => 30 };
        var memory = new Option<int>("--memory-steps") { Description = "Steps per method of the memory check (0 skips it).", DefaultValueFactory = _ => 200 };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var outFile = new Option<string?>("--out", "-o") { Description = "Write the bench JSON here." };
        var config = new Option<string?>("--config") { Description = "A run config whose method sections (e.g. \"comixup\": { \"clean_lambda\": 0 }) set the timed methods' options." };
        var command = new Command("bench", "Time one full training step of each method (interleaved medians after a warm-up), the saliency pass and the Co-Mixup solver, and memory growth over many steps.");
        foreach (var o in new Option[] { methods, model, batch, channels, steps, memory, device, outFile, config }) command.Add(o);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            BuiltIns.RegisterAll();
            var options = new BenchOptions
            {
                Methods = p.GetValue(methods) is { Length: > 0 } m ? m : null,
                Model = p.GetValue(model)!, BatchSize = p.GetValue(batch), Image = [p.GetValue(channels), 32, 32],
                Steps = p.GetValue(steps), MemorySteps = p.GetValue(memory), Device = p.GetValue(device)!,
                MethodOptions = p.GetValue(config) is { } file ? ConfigFile.Load(file, Training.MethodRegistry.Names).Methods : null,
            };
            if (options.Steps < 1 || options.BatchSize < 1 || options.MemorySteps < 0)
                throw new Errors.UsageException("--steps and --batch-size must be at least 1, --memory-steps at least 0.");
            if (options.Methods != null)
                foreach (var name in options.Methods)
                    if (!Training.MethodRegistry.Names.Contains(name))
                        throw new Errors.UsageException($"Unknown method '{Errors.Echo.Of(name)}'. Allowed values: {string.Join(", ", Training.MethodRegistry.Names)}.");
            var report = StepBenchmark.Run(options, line => ctx.Logger.LogInformation("{Line:l}", line));

            var table = new Table().AddColumns("method", "median ms/step", "ratio to vanilla");
            foreach (var t in report.Methods) table.AddRow(t.Method, $"{t.MedianMs:F1}", $"{t.RatioToVanilla:F2}x");
            foreach (var part in report.Parts) table.AddRow($"[grey]part: {Markup.Escape(part.Name)}[/]", $"{part.MedianMs:F2}", "");
            AnsiConsole.Write(table);
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
}

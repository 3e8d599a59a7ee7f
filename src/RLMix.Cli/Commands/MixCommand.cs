using System.CommandLine;
using Microsoft.Extensions.Logging;
using RLMix.Errors;
using RLMix.IO;
using RLMix.Experiments.Mix;

namespace RLMix.Cli.Commands;

/// <summary><c>rlmix mix</c>: applies one mixer to explicit tensors in Tensor JSON (<c>{ "shape": [..], "data": [..] }</c> per field), for inspection and cross-checks.</summary>
internal static class MixCommand
{
    public static Command Create()
    {
        var method = new Option<string>("--method", "-m") { Description = $"Mixer: {string.Join(", ", MixCommandCore.Methods)}.", Required = true };
        var input = new Option<string>("--input", "-i") { Description = "Input Tensor JSON file.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Output Tensor JSON file.", Required = true };
        var command = new Command("mix", "Apply one mixer to explicit tensors (Tensor JSON: { \"shape\": [...], \"data\": [...] } per field) and write the mixed images and soft targets.");
        command.Add(method);
        command.Add(input);
        command.Add(output);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            string inPath = p.GetValue(input)!, outPath = p.GetValue(output)!;
            if (!File.Exists(inPath)) throw new UsageException($"--input: file '{Echo.Of(inPath)}' not found.");
            // Checked before mixing, so a bad --output is exit 2 rather than an I/O error at the end.
            string? outDir = Path.GetDirectoryName(Path.GetFullPath(outPath));
            if (outPath.Length == 0 || Directory.Exists(outPath) || (outDir is not null && !Directory.Exists(outDir)))
                throw new UsageException($"--output '{Echo.Of(outPath)}' must be a file in an existing directory.");
            AtomicFile.WriteAllText(outPath, MixCommandCore.RunText(p.GetValue(method)!, File.ReadAllText(inPath), $"--input '{Echo.Of(inPath)}'"));
            ctx.Logger.LogInformation("Wrote {Path:l}", outPath);
            return 0;
        }));
        return command;
    }
}

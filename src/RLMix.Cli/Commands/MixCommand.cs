using System.CommandLine;
using Microsoft.Extensions.Logging;
using RLMix.Errors;
using RLMix.IO;
using RLMix.Mixing;

namespace RLMix.Cli.Commands;

/// <summary><c>rlmix mix</c>: applies one mixer to explicit tensors in Tensor JSON (design.md), for inspection and cross-checks.</summary>
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
            if (!File.Exists(inPath)) throw new UsageException($"--input: file '{Errors.Echo.Of(inPath)}' not found.");
            AtomicFile.WriteAllText(outPath, MixCommandCore.RunText(p.GetValue(method)!, File.ReadAllText(inPath), $"--input '{inPath}'"));
            ctx.Logger.LogInformation("Wrote {Path:l}", outPath);
            return 0;
        }));
        return command;
    }
}

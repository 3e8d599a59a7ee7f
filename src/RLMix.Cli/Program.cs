using System.CommandLine;
using RLMix.Cli.Commands;

namespace RLMix.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("RLMix: saliency-guided mixup and RL-learned mixup policies on TorchSharp.");
        root.Add(Cli.Verbose);
        root.Add(Cli.GracePeriod);
        root.Add(TrainCommand.Create());
        root.Add(CompareCommand.Create());
        root.Add(BenchCommand.Create());
        root.Add(MixCommand.Create());
        root.Add(AgentCommand.Create());

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) System.Console.Error.WriteLine($"error: {e.Message}");
            System.Console.Error.WriteLine("Run 'rlmix --help' or 'rlmix COMMAND --help' for the options.");
            return 2;
        }
        return parse.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}

using System.CommandLine;
using RLMix.Cli.Commands;

namespace RLMix.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        // Before the first tensor: every step then reuses its freed memory instead of faulting it in again.
        Training.MallocTuning.Apply();
        var root = new RootCommand("RLMix: saliency-guided mixup and RL-learned mixup policies on TorchSharp.");
        root.Add(Cli.Verbose);
        root.Add(Cli.GracePeriod);
        // The one catalogue of training methods: RLMix.Core's built-ins plus RL-Mix, passed to every command.
        var methods = Agents.RLMixMethod.AddTo(Methods.BuiltInMethods.Catalog());
        root.Add(TrainCommand.Create(methods));
        root.Add(CompareCommand.Create(methods));
        root.Add(BenchCommand.Create(methods));
        root.Add(MixCommand.Create());
        root.Add(AgentCommand.Create(methods));

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

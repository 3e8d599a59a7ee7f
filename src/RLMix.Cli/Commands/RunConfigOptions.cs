using System.CommandLine;
using RLMix.Configuration;
using RLMix.Data;
using RLMix.Errors;
using RLMix.Models;
using RLMix.Training;

namespace RLMix.Cli.Commands;

/// <summary>
/// The data, model and training options shared by <c>rlmix train</c> and <c>rlmix agent</c>:
/// a <c>--config</c> file is read first, then <c>--set</c> edits it, then every option given on the command line overrides it.
/// </summary>
/// <param name="methods">The catalogue whose names the config's method sections and --method are checked against.</param>
/// <param name="chooseMethod">
/// Whether the command trains the method the config names (<c>rlmix train</c>). The agent commands always run RL-Mix in
/// MixupEnv for --episodes: they offer neither --method nor --epochs, and refuse a config that sets either.
/// </param>
internal sealed class RunConfigOptions(MethodCatalog methods, bool chooseMethod = true)
{
    public readonly Option<string?> Config = new("--config") { Description = "JSON config file (snake_case keys, see README); --set and command-line options override it." };
    public readonly Option<string[]> Set = SetOption();
    public readonly Option<string?> Method = new("--method", "-m") { Description = $"Training method: {string.Join(", ", methods.Names)}." };
    public readonly Option<string?> Dataset = new("--dataset", "-d") { Description = $"{string.Join(", ", DatasetCatalog.Names)} (fashion-mnist-mini is embedded)." };
    public readonly Option<string?> Model = new("--model") { Description = $"{string.Join(" or ", ModelFactory.Names)}." };
    public readonly Option<int?> Epochs = new("--epochs", "-e") { Description = "Number of epochs." };
    public readonly Option<int?> BatchSize = new("--batch-size", "-b") { Description = "Batch size (default 100)." };
    public readonly Option<long?> Seed = new("--seed") { Description = "Root seed (default 0)." };
    public readonly Option<int?> LimitTrain = new("--limit-train") { Description = "Use only N training images." };
    public readonly Option<int?> LimitTest = new("--limit-test") { Description = "Use only N test images." };
    public readonly Option<string?> Device = new("--device") { Description = "cpu, cuda or cuda:N (GPU N)." };
    public readonly Option<string?> DataDir = new("--data-dir") { Description = "Directory of the data set's files." };
    public readonly Option<string?> MemoryFormat = new("--memory-format") { Description = "Activation layout: channels_last (default, faster on CPU) or contiguous." };

    /// <summary>The repeatable <c>--set key.path=value</c> of every command that reads a config.</summary>
    public static Option<string[]> SetOption() => new("--set")
    {
        Description = "Override one config key before the config is checked, e.g. --set rmix.alpha=0.5 or --set trainer.max_lr=0.1 (repeatable; the value is read as JSON, else as a string).",
        Arity = ArgumentArity.OneOrMore,
    };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Config, Set, Method, Dataset, Model, Epochs, BatchSize, Seed, LimitTrain, LimitTest, Device, DataDir, MemoryFormat })
            if (chooseMethod || (o != Method && o != Epochs)) command.Add(o);
    }

    /// <summary>The config file (if any) with --set and the command line's options applied; not yet validated.</summary>
    public RunConfig Resolve(ParseResult p)
    {
        string? file = p.GetValue(Config);
        var sets = p.GetValue(Set) ?? [];
        var c = file != null ? ConfigFile.Load(file, methods.Names, sets)
            : sets.Length > 0 ? ConfigFile.Parse(ConfigOverrides.Apply("{}", sets, "--set"), methods.Names, "--set")
            : new RunConfig();
        if (!chooseMethod)
        {
            var defaults = new RunConfig();
            if (c.Method != defaults.Method && c.Method != "rlmix")
                throw new UsageException($"The config sets method '{Echo.Of(c.Method)}', but rlmix agent always trains RL-Mix's environment; remove 'method' (RL-Mix's options go in the 'rlmix' section).");
            if (c.Epochs != defaults.Epochs)
                throw new UsageException($"The config sets epochs {c.Epochs}, which rlmix agent does not use: an episode is one epoch, so pass --episodes instead and remove 'epochs'.");
            if (c.Methods.Sections.Keys.FirstOrDefault(k => k != "rlmix") is { } other)
                throw new UsageException($"The config has options for '{Echo.Of(other)}', which rlmix agent does not use; only the 'rlmix' section applies (remove '{Echo.Of(other)}').");
        }
        var d = c.Data;
        return c with
        {
            Method = (chooseMethod ? p.GetValue(Method) : null) ?? c.Method,
            Model = p.GetValue(Model) ?? c.Model,
            Epochs = (chooseMethod ? p.GetValue(Epochs) : null) ?? c.Epochs,
            Seed = p.GetValue(Seed) ?? c.Seed,
            Device = p.GetValue(Device) ?? c.Device,
            MemoryFormat = p.GetValue(MemoryFormat) ?? c.MemoryFormat,
            Data = d with
            {
                Dataset = p.GetValue(Dataset) ?? d.Dataset,
                BatchSize = p.GetValue(BatchSize) ?? d.BatchSize,
                LimitTrain = p.GetValue(LimitTrain) ?? d.LimitTrain,
                LimitTest = p.GetValue(LimitTest) ?? d.LimitTest,
                DataDir = p.GetValue(DataDir) ?? d.DataDir,
            },
        };
    }
}

using System.CommandLine;
using RLMix.Configuration;
using RLMix.Training;

namespace RLMix.Cli.Commands;

/// <summary>
/// The data, model and training options shared by <c>rlmix train</c> and <c>rlmix agent</c>:
/// a <c>--config</c> file is read first, then every option given on the command line overrides it.
/// </summary>
internal sealed class RunConfigOptions
{
    public readonly Option<string?> Config = new("--config") { Description = "JSON config file (snake_case keys, see README); command-line options override it." };
    public readonly Option<string?> Method = new("--method", "-m") { Description = "Training method: vanilla, mixup, cutmix, rmix, comixup, lamix, rlmix." };
    public readonly Option<string?> Dataset = new("--dataset", "-d") { Description = "fashion-mnist-mini (embedded), fashion-mnist, cifar10, cifar100, synthetic." };
    public readonly Option<string?> Model = new("--model") { Description = "small-cnn or preact-resnet18." };
    public readonly Option<int?> Epochs = new("--epochs", "-e") { Description = "Number of epochs." };
    public readonly Option<int?> BatchSize = new("--batch-size", "-b") { Description = "Batch size (default 100)." };
    public readonly Option<long?> Seed = new("--seed") { Description = "Root seed (default 0)." };
    public readonly Option<int?> LimitTrain = new("--limit-train") { Description = "Use only N training images." };
    public readonly Option<int?> LimitTest = new("--limit-test") { Description = "Use only N test images." };
    public readonly Option<string?> Device = new("--device") { Description = "cpu or cuda." };
    public readonly Option<string?> DataDir = new("--data-dir") { Description = "Directory of the data set's files." };
    public readonly Option<string?> MemoryFormat = new("--memory-format") { Description = "Activation layout: channels_last (default, faster on CPU) or contiguous." };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Config, Method, Dataset, Model, Epochs, BatchSize, Seed, LimitTrain, LimitTest, Device, DataDir, MemoryFormat })
            command.Add(o);
    }

    /// <summary>The config file (if any) with the command line's options applied; not yet validated.</summary>
    public RunConfig Resolve(ParseResult p)
    {
        BuiltIns.RegisterAll();
        string? file = p.GetValue(Config);
        var c = file == null ? new RunConfig() : ConfigFile.Load(file, MethodRegistry.Names);
        var d = c.Data;
        return c with
        {
            Method = p.GetValue(Method) ?? c.Method,
            Model = p.GetValue(Model) ?? c.Model,
            Epochs = p.GetValue(Epochs) ?? c.Epochs,
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

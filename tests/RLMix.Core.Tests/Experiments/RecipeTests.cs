using RLMix.Configuration;
using RLMix.Core.Tests.Data;
using RLMix.Methods;
using RLMix.Mixing.CoMixup;
using RLMix.Training;

namespace RLMix.Core.Tests.Experiments;

/// <summary>
/// Every paper recipe in experiments/recipes loads, validates, and trains two batches on tiny
/// data files of its data set's format and shape (CIFAR-100 binary, Fashion-MNIST IDX), with the
/// recipe's model, method and settings; only device, epochs, batch size and data directory are
/// overridden, as a smoke test on a CPU would (--device cpu --epochs 1 --batch-size 4 --data-dir).
/// </summary>
public sealed class RecipeTests
{
    static string RecipeDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "RLMix.sln"))) return Path.Combine(dir.FullName, "experiments", "recipes");
        throw new DirectoryNotFoundException("RLMix.sln not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> Recipes()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RecipeDirectory(), "*.json").Order()) data.Add(Path.GetFileName(f));
        return data;
    }

    static RunConfig Load(string name)
    {
        return ConfigFile.Load(Path.Combine(RecipeDirectory(), name), TestMethods.Catalog.Names);
    }

    [Fact]
    public void TheFourPaperRecipesAreThere()
    {
        Assert.Equal<string>(
            ["comixup-cifar100-preactresnet18.json", "lamix-fashion-mnist-preactresnet18.json",
             "rmix-cifar100-preactresnet18-multistep.json", "rmix-cifar100-preactresnet18.json"],
            Directory.GetFiles(RecipeDirectory(), "*.json").Select(f => Path.GetFileName(f)).Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Recipe_LoadsValidatesAndTrainsTwoBatchesOnDataOfItsShape(string name)
    {
        var recipe = Load(name);
        Assert.Equal("cuda", recipe.Device);           // runnable as is on a GPU
        Assert.Equal("preact-resnet18", recipe.Model);
        var cpu = recipe with { Device = "cpu" };      // Validate refuses cuda on a machine without one
        cpu.Validate(TestMethods.Catalog);
        using (var method = TestMethods.Catalog.Create(cpu.Method, cpu.Methods)) Assert.Equal(recipe.Method, method.Name);

        using var data = new TempDir();
        WriteTinyData(recipe.Data.Dataset, data);
        var smoke = cpu with { Epochs = 1, Data = recipe.Data with { DataDir = data.Path, BatchSize = 4 } };
        string outDir = Path.Combine(data.Path, "run");
        var metrics = TrainingRun.Run(TestMethods.Catalog, smoke, new RunOptions(outDir));

        Assert.Equal(8, metrics.TrainSize);
        Assert.Single(metrics.History);
        Assert.True(double.IsFinite(metrics.History[0].TrainLoss), $"{name}: training loss {metrics.History[0].TrainLoss}");
        Assert.Equal(recipe.Eval.EceBins, metrics.EceBins);
        // The resolved config.json keeps every recipe setting that was not overridden, its method's options with their defaults filled in.
        var written = ConfigFile.Load(Path.Combine(outDir, "config.json"), TestMethods.Catalog.Names);
        Assert.Equal(ConfigFile.Serialize(smoke.Validate(TestMethods.Catalog)), ConfigFile.Serialize(written));
        Assert.True(written.Methods.Sections.ContainsKey(recipe.Method));
        if (recipe.Trainer.Schedule == LrSchedule.Multistep) Assert.Equal(recipe.Trainer.MaxLr, metrics.History[0].Lr, 12);
    }

    [Fact]
    public void Recipes_CarryThePapersSchedulesAndSettings()
    {
        var rmix = Load("rmix-cifar100-preactresnet18.json");
        Assert.Equal((LrSchedule.Onecycle, 300, 100, 2), (rmix.Trainer.Schedule, rmix.Epochs, rmix.Data.BatchSize, rmix.Data.CropPadding));
        var rmixStep = Load("rmix-cifar100-preactresnet18-multistep.json");
        Assert.Equal((LrSchedule.Multistep, 0.2, "150,225"), (rmixStep.Trainer.Schedule, rmixStep.Trainer.MaxLr, string.Join(",", rmixStep.Trainer.Milestones)));
        var comixup = Load("comixup-cifar100-preactresnet18.json");
        Assert.Equal((LrSchedule.Multistep, 0.2, "100,200", 10), (comixup.Trainer.Schedule, comixup.Trainer.MaxLr, string.Join(",", comixup.Trainer.Milestones), comixup.Eval.EceBins));
        Assert.Equal(CoMixupThreshold.Hard, comixup.Methods.Get<CoMixupOptions>("comixup").Threshold);
        var lamix = Load("lamix-fashion-mnist-preactresnet18.json");
        Assert.Equal((400, 128, false, 0.5), (lamix.Epochs, lamix.Data.BatchSize, lamix.Trainer.Nesterov, lamix.Methods.Get<LaMixOptions>("lamix").Beta));
    }

    // 8 training and 4 test images (two batches of 4; PreActResNet-18 on a CPU is slow) in the data set's own file format.
    static void WriteTinyData(string dataset, TempDir dir)
    {
        switch (dataset)
        {
            case "cifar100":
                byte[] Labels(int n, int offset) => Enumerable.Range(0, n).Select(i => (byte)((i * 7 + offset) % 100)).ToArray();
                dir.Write("train.bin", TestFiles.Cifar(Labels(8, 0), coarse: new byte[8]));
                dir.Write("test.bin", TestFiles.Cifar(Labels(4, 3), coarse: new byte[4], firstIndex: 8));
                break;
            case "fashion-mnist":
                dir.Write("train-images-idx3-ubyte", TestFiles.IdxImages(8, 28, 28));
                dir.Write("train-labels-idx1-ubyte", TestFiles.IdxLabels(Enumerable.Range(0, 8).Select(i => (byte)(i % 10)).ToArray()));
                dir.Write("t10k-images-idx3-ubyte", TestFiles.IdxImages(4, 28, 28));
                dir.Write("t10k-labels-idx1-ubyte", TestFiles.IdxLabels(Enumerable.Range(0, 4).Select(i => (byte)(i % 10)).ToArray()));
                break;
            default:
                throw new InvalidOperationException($"No tiny data writer for '{dataset}': add one with the recipe.");
        }
    }
}

using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace RLMix.Cli.Tests.Packaging;

/// <summary>
/// RLMix as a user consumes it: <c>dotnet pack</c> of RLMix.Core, RLMix.Envs and RLMix.Agents into a local
/// folder, a fresh console project OUTSIDE the repository (no Directory.Build.* of ours around it) that
/// references RLMix.Agents from that folder, builds (the packages' buildTransitive targets apply the Debian 12
/// libLibTorchSharp fix) and runs: a few training steps of R-Mix and a reward of its own through MixupEnv.
/// Then a reward plug-in as a user writes it outside the repository (a class library referencing the RLMix.Envs
/// package; RLMix and TorchSharp come from the host) is loaded by the <c>rlmix</c> command through
/// <c>--reward-plugin</c>. Slow (a restore and three builds): one test.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-consumer-").FullName;
    // A version of its own, so the NuGet cache never serves a package packed from older code.
    readonly string version = $"0.1.0-test{DateTime.UtcNow:yyyyMMddHHmmss}{Environment.ProcessId}";

    public void Dispose()
    {
        Directory.Delete(dir, recursive: true);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "rlmix.core", "rlmix.envs", "rlmix.agents" })
            if (Directory.Exists(Path.Combine(cache, id, version))) Directory.Delete(Path.Combine(cache, id, version), recursive: true);
    }

    [Fact]
    public void AConsoleProjectOutsideTheRepository_ReferencingThePackages_TrainsAndRunsItsOwnReward()
    {
        var repo = RepositoryRoot();
        // The libraries as this test run built them (bin/CONFIGURATION/net10.0): pack adds no build of its own.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var feed = Path.Combine(dir, "feed");
        foreach (var project in new[] { "src/RLMix.Core/RLMix.Core.csproj", "envs/RLMix.Envs/RLMix.Envs.csproj", "agents/RLMix.Agents/RLMix.Agents.csproj" })
            Dotnet(repo, "pack", Path.Combine(repo, project), "--no-build", "-c", configuration, "-o", feed, $"-p:Version={version}", "--nologo");
        Assert.Contains("buildTransitive/RLMix.Core.targets", ZipEntries(Path.Combine(feed, $"RLMix.Core.{version}.nupkg")));

        var app = Path.Combine(dir, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(dir, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rlmix-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RLMix.Agents" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using RLMix.Agents;
            using RLMix.Agents.Policies;
            using RLMix.Configuration;
            using RLMix.Data;
            using RLMix.Envs.Rewards;
            using RLMix.Training;
            using static TorchSharp.torch;

            var config = new RunConfig { Method = "rmix", Epochs = 1, Data = new DataOptions { Dataset = "synthetic", LimitTrain = 100, LimitTest = 50, BatchSize = 50 } };
            var methods = RLMixMethod.AddTo(RLMix.Methods.BuiltInMethods.Catalog());
            var metrics = TrainingRun.Run(methods, config, new RunOptions(Path.Combine(args[0], "run")));
            Console.WriteLine($"trained: {metrics.History.Count} epoch, top-1 error {metrics.Top1Error:F2}%");

            using var session = MixupSession.Create(config, new RLMixOptions(), episodes: 1, maxBatches: 2, reward: new MeanQ());
            var policy = PolicyFactory.CreateForMixup("random", session.Env.BatchSize, session.Env.Layout, 10, seed: 1);
            var result = PolicyEvaluation.Run(policy, session.Env, episodes: 1).Single();
            Console.WriteLine($"reward {session.Env.Reward.Name}: {result.MeanReward:F4} over {result.Steps} steps");

            sealed class MeanQ : IRewardFunction
            {
                public string Name => "mean-q";
                public Tensor Compute(RewardContext context) => context.Q.mean();
            }
            """);

        var build = Dotnet(app, "build", "--nologo");
        Assert.Contains("RLMix.Core.targets", File.ReadAllText(Path.Combine(app, "obj", "app.csproj.nuget.g.targets")));
        var run = Dotnet(app, "run", "--no-build", "--", dir);
        Assert.Contains("trained: 1 epoch, top-1 error", run);
        Assert.Matches(@"reward mean-q: 0\.\d{4} over 2 steps", run);   // q in [0, 0.99]: the mean too
        Assert.DoesNotContain("doesn't contain a reference to libtorch", run + build);

        var plugin = Path.Combine(dir, "plugin");
        Directory.CreateDirectory(plugin);
        File.WriteAllText(Path.Combine(plugin, "plugin.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RLMix.Envs" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(plugin, "LabelledQ.cs"), """
            using RLMix.Envs.Rewards;
            using static TorchSharp.torch;

            namespace Outside;

            /// <summary>Per image: q when its label is a valid class (every label is), else 0.</summary>
            public sealed class LabelledQ : IRewardFunction
            {
                public string Name => "labelled-q";
                public Tensor Compute(RewardContext context) =>
                    context.Q * context.Labels.ge(0).logical_and(context.Labels.lt(10)).to_type(context.Q.dtype);
            }
            """);
        Dotnet(plugin, "build", "--nologo", "-c", "Release", "-o", Path.Combine(plugin, "out"));
        var pluginDll = Path.Combine(plugin, "out", "plugin.dll");
        var eval = RlmixProcess.Run(dir, ["agent", "eval", "--dataset", "synthetic", "--limit-train", "100", "--batch-size", "50", "--max-batches", "2",
            "--episodes", "1", "--policy", "fixed:0.55", "--reward-plugin", pluginDll, "--out", "eval.json"]);
        Assert.True(eval.ExitCode == 0, eval.Output);
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "eval.json")));
        Assert.Equal(0.55, results.RootElement[0].GetProperty("mean_reward").GetDouble(), 5);   // q 0.55 for every image
    }

    static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "RLMix.sln"))) return d.FullName;
        throw new InvalidOperationException("RLMix.sln not found above " + AppContext.BaseDirectory);
    }

    static IEnumerable<string> ZipEntries(string path)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        return zip.Entries.Select(e => e.FullName).ToList();
    }

    /// <summary>Runs dotnet with <paramref name="args"/> in <paramref name="cwd"/>; returns its output, failing the test on a non-zero exit.</summary>
    static string Dotnet(string cwd, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        // MSBuild settings of the test's own build (e.g. from dotnet test) must not leak into the user's project.
        foreach (var v in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "RLMixTorch" }) start.Environment.Remove(v);
        using var p = Process.Start(start)!;
        var output = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"dotnet {string.Join(' ', args)} exited {p.ExitCode}:\n{output}");
        return output.ToString();
    }
}

using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace RLMix.Benchmarks;

/// <summary>
/// Micro-benchmarks of the mixers' inner functions and the Co-Mixup max-flow solver:
/// <c>dotnet run -c Release --project benchmarks/RLMix.Benchmarks -- --filter '*'</c> (add <c>--job short</c> for a quick run).
/// Whole training steps are timed by <c>rlmix bench</c> instead (a libtorch step is too heavy for BDN's defaults).
/// <c>-- layout ...</c> times contiguous against channels-last in alternating rounds (<see cref="LayoutRounds"/>);
/// <c>-- layout-masks ...</c> counts how often R-Mix's masks agree between the two over an epoch (<see cref="LayoutMaskAgreement"/>).
/// <c>-- comixup ...</c> times Co-Mixup's solver serial against parallel partitions (<see cref="CoMixupRounds"/>).
/// <c>-- comixup-step ...</c> times Co-Mixup's step phase by phase and against its parts (<see cref="CoMixupStepRounds"/>);
/// <c>-- denormals ...</c> counts subnormal floats in the saliency pass (<see cref="DenormalCheck"/>);
/// <c>-- ppo-update ...</c> times a whole PPO update against the minibatch units <c>rlmix bench</c> charges for it (<see cref="PpoUpdateRounds"/>).
/// </summary>
public static class Program
{
    // In process: the projects BenchmarkDotNet generates would copy an unpatched libLibTorchSharp.so
    // (see README, Troubleshooting); this build's copy is patched.
    public static void Main(string[] args)
    {
        // As rlmix does (RLMIX_MALLOC_TUNING=off for glibc's defaults, e.g. to compare the two).
        Console.WriteLine($"malloc: {RLMix.Training.MallocTuning.Apply()}");
        switch (args.FirstOrDefault())
        {
            case "layout": LayoutRounds.Run(args[1..]); return;
            case "layout-masks": LayoutMaskAgreement.Run(args[1..]); return;
            case "comixup": CoMixupRounds.Run(args[1..]); return;
            case "comixup-step": CoMixupStepRounds.Run(args[1..]); return;
            case "denormals": DenormalCheck.Run(args[1..]); return;
            case "ppo-update": PpoUpdateRounds.Run(args[1..]); return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(
            args.Contains("--inProcess") ? args : [.. args, "--inProcess"],
            DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default));
    }
}

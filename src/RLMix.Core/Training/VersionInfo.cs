using System.Reflection;

namespace RLMix.Training;

/// <summary>Versions recorded in metrics.json, so a result can be traced to the code that made it.</summary>
public static class VersionInfo
{
    /// <summary>rlmix, torchsharp and libtorch versions.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        ["rlmix"] = Informational(typeof(VersionInfo).Assembly),
        ["torchsharp"] = Informational(typeof(TorchSharp.torch).Assembly),
        ["libtorch"] = LibTorch,
    };

    /// <summary>The libtorch version TorchSharp 0.107 ships with (package libtorch-cpu 2.10.0).</summary>
    public const string LibTorch = "2.10.0";

    static string Informational(Assembly a) =>
        (a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? a.GetName().Version?.ToString() ?? "unknown").Split('+')[0];
}

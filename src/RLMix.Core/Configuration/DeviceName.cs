using System.Globalization;
using RLMix.Errors;

namespace RLMix.Configuration;

/// <summary>The <c>--device</c> values RLMix accepts: <c>cpu</c>, <c>cuda</c> (GPU 0) and <c>cuda:N</c>, passed to torch as given.</summary>
public static class DeviceName
{
    /// <summary>Throws <see cref="UsageException"/> (exit 2) for a malformed name, and for a CUDA device this build or machine does not have.</summary>
    public static string Check(string device)
    {
        bool cuda = device == "cuda" || device.StartsWith("cuda:", StringComparison.Ordinal);
        int index = 0;
        if (device != "cpu" && !(cuda && (device == "cuda" || int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out index))))
            throw new UsageException($"Unknown device '{Echo.Of(device)}'. Allowed values: cpu, cuda, cuda:N (N = GPU index from 0).");
        if (!cuda) return device;
        if (!TorchSharp.torch.cuda.is_available())
            throw new UsageException($"--device {device}: no CUDA device is available. This build uses TorchSharp-cpu; build with -p:RLMixTorch=cuda on a machine with an NVIDIA GPU (README, Install for NVIDIA GPUs), or use --device cpu.");
        int count = TorchSharp.torch.cuda.device_count();
        if (index >= count)
            throw new UsageException($"--device {device}: this machine has {count} CUDA device(s), numbered 0 to {count - 1}.");
        return device;
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using RLMix.Data;
using RLMix.Mixing;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

using static RLMix.Benchmarks.RoundsCommand;

namespace RLMix.Benchmarks;

/// <summary>
/// Whether subnormal floats appear in the saliency pass and the training step as a model keeps training on
/// <c>rlmix bench</c>'s 8 cycled batches, and what the passes cost then:
/// <c>dotnet run -c Release --project benchmarks/RLMix.Benchmarks -- denormals [--checkpoints 0,100,300,600] [--reps 3] [--flush]</c>.
/// </summary>
/// <remarks>
/// At each checkpoint (vanilla steps on the cycled batches since the pre-trained weights) it counts, over the 8
/// batches, the subnormal entries of the softmax output, the input gradient and the weight gradients, and times the
/// saliency pass and a forward+backward (thread CPU time, one torch thread). <c>--flush</c> sets flush-to-zero and
/// denormals-are-zero first (libtorch's <c>at::Context::setFlushDenormal</c>, which TorchSharp 0.107 does not expose).
/// </remarks>
public static class DenormalCheck
{
    const int NumClasses = 10;

    /// <summary>Runs the check and prints one table; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        var checkpoints = Arg(args, "--checkpoints", "0,100,300,600").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        int reps = int.Parse(Arg(args, "--reps", "3"), CultureInfo.InvariantCulture);
        torch.set_num_threads(1);
        if (args.Contains("--flush")) Console.WriteLine($"flush denormal: {SetFlushDenormal(true)}");
        var (batches, state) = CoMixupStepRounds.Data(60);
        var model = ModelFactory.Create("small-cnn", 3, NumClasses, seed: 1);
        model.load_state_dict(state);
        var trainer = new Trainer(model, new TrainerOptions(), stepsPerEpoch: 1000, epochs: 10);
        Console.WriteLine($"load {Load()}");
        Console.WriteLine("| steps | subnormal softmax | subnormal x.grad | subnormal weight grads | zero softmax | saliency ms | fwd+bwd ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        int done = 0;
        foreach (var c in checkpoints)
        {
            for (; done < c; done++)
            {
                using var scope = NewDisposeScope();
                var b = batches[done % batches.Count];
                trainer.Step(b.Inputs, nn.functional.one_hot(b.Labels, NumClasses).to(float32));
            }
            long subP = 0, subX = 0, subW = 0, zeroP = 0;
            foreach (var b in batches)
            {
                using var scope = NewDisposeScope();
                model.train();
                trainer.ZeroGrad();
                var x = b.Inputs.detach().requires_grad_(true);
                var logits = model.forward(x);
                var p = nn.functional.softmax(logits, 1);
                subP += Subnormal(p); zeroP += (p == 0).sum().item<long>();
                (nn.functional.cross_entropy(logits, b.Labels) * (2.0 / NumClasses)).backward();
                subX += Subnormal(x.grad!);
                foreach (var w in model.parameters()) if (w.grad is { } g) subW += Subnormal(g);
                trainer.ZeroGrad();
            }
            double sal = Time(reps, () => { foreach (var b in batches) Saliency.Compute(model, b.Inputs, b.Labels); }) / batches.Count;
            double fb = Time(reps, () =>
            {
                foreach (var b in batches)
                {
                    model.train();
                    nn.functional.cross_entropy(model.forward(b.Inputs), b.Labels).backward();
                }
                trainer.ZeroGrad();
            }) / batches.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {c} | {subP} | {subX} | {subW} | {zeroP} | {sal:F1} | {fb:F1} |"));
        }
        Console.WriteLine($"load after: {Load()}");
        return 0;
    }

    static long Subnormal(Tensor t) => ((t.abs() < 1.17549435e-38f) & (t != 0)).sum().item<long>();

    static double Time(int reps, Action a)
    {
        var best = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            using var scope = NewDisposeScope();
            double t0 = ThreadAccounting.ThreadCpuMs();
            a();
            best.Add(ThreadAccounting.ThreadCpuMs() - t0);
        }
        return Median(best);
    }

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context16setFlushDenormalEb")]
    [return: MarshalAs(UnmanagedType.U1)]
    static extern bool ContextSetFlushDenormal(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on);

    /// <summary>Flush-to-zero and denormals-are-zero on the calling thread (threads created later inherit it); false where the CPU has no DAZ.</summary>
    internal static bool SetFlushDenormal(bool on) => ContextSetFlushDenormal(GlobalContext(), on);
}

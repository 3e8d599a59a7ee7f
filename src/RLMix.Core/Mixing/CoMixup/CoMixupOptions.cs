using RLMix.Errors;

namespace RLMix.Mixing.CoMixup;

/// <summary>How the compatibility term is clipped in the modular approximation (equation 2).</summary>
public enum CoMixupThreshold
{
    /// <summary>
    /// The official default (<c>thres_type='hard'</c>), as Python evaluates it: input i costs
    /// 2*gamma * sum_i' A[i,i'] * 1[v_i' &gt; tau*n] * o_{-j,i'}, with v = A o_{-j}.
    /// </summary>
    Hard,

    /// <summary>2*gamma*max(0, v_i - tau*n): the paper's equation 2, max{tau', v_{-j}}, up to a constant per cell.</summary>
    Soft,
}

/// <summary>
/// Co-Mixup settings. Defaults are the paper's (Appendix E) and the official code's
/// (<c>snu-mllab/Co-Mixup</c>, <c>main.py</c>).
/// </summary>
public sealed record CoMixupOptions
{
    /// <summary>Smoothness coefficient beta of equation 1 (divided by n inside). The default value is 0.32.</summary>
    public double Beta { get; init; } = 0.32;

    /// <summary>Compatibility coefficient gamma of equation 1 (divided by n inside). The default value is 1.0.</summary>
    public double Gamma { get; init; } = 1.0;

    /// <summary>Prior coefficient eta of equation 1 (divided by n inside). The default value is 0.05.</summary>
    public double Eta { get; init; } = 0.05;

    /// <summary>Clipping level tau of equations 1-2 (multiplied by n inside: a threshold on cell counts). The default value is 0.83.</summary>
    public double Tau { get; init; } = 0.83;

    /// <summary>Weight omega of the input compatibility A_c in A = (1 - omega) I + omega A_c, in [0, 1]. The default value is 0.001.</summary>
    public double Omega { get; init; } = 0.001;

    /// <summary>Concentration alpha of the symmetric Dirichlet prior on the mixing ratios. The default value is 2.0.</summary>
    public double Alpha { get; init; } = 2.0;

    /// <summary>Number of consecutive images per partition (m = m'); the last partition may be smaller. The default value is 20.</summary>
    public int PartitionSize { get; init; } = 20;

    /// <summary>Largest <see cref="PartitionSize"/>: the solver allocates m x m buffers up front. The default value is 1,024.</summary>
    public const int MaxPartitionSize = 1024;

    /// <summary>Cells per side of the down-sampled grid (n = BlockGrid^2); must divide the image sides. The default value is 4.</summary>
    public int BlockGrid { get; init; } = 4;

    /// <summary>Outer iterations T of Algorithm 1 (the official <c>m_niter</c>). The default value is 4.</summary>
    public int Iterations { get; init; } = 4;

    /// <summary>Thresholding of the modular compatibility penalty. The default value is <see cref="CoMixupThreshold.Hard"/>.</summary>
    public CoMixupThreshold Threshold { get; init; } = CoMixupThreshold.Hard;

    /// <summary>Whether outputs that use the same set of inputs are pushed apart before the last iteration (official <c>set_resolve</c>). The default value is true.</summary>
    public bool SetResolve { get; init; } = true;

    /// <summary>Whether cells may take half-half labels after the first iteration (|L| = 3, Appendix C); false keeps one input per cell. The default value is true.</summary>
    public bool MultiLabel { get; init; } = true;

    /// <summary>Relative change of the objective below which the outer loop stops early. The default value is 1e-6.</summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Kernel of the stride-1 average pooling of the saliency whose argmax locates each input's salient region (for A_c). The default value is 8.</summary>
    public int CompatibilityKernel { get; init; } = 8;

    /// <summary>Allow solving partitions on parallel CPU threads (see <see cref="CoMixup.PartitionThreads"/>); results do not depend on it. The default value is true.</summary>
    public bool ParallelPartitions { get; init; } = true;

    /// <summary>Threads for partitions when <see cref="ParallelPartitions"/> is on; -1 lets <see cref="CoMixup.PartitionThreads"/> decide (one per partition up to the cores; the calling thread never waits for the others). The default value is -1.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>
    /// Run the helper partitions on libtorch's own CPU worker threads (libgomp's, on Linux, when libtorch has at least as
    /// many threads: <see cref="OpenMpTeam"/>) rather than on .NET thread-pool threads. After the clean backward those
    /// workers spin for several ms; a thread-pool helper would share a core with one. Results do not depend on it.
    /// The default value is true.
    /// </summary>
    public bool UseTorchThreads { get; init; } = true;

    /// <summary>
    /// Weight of the clean-input loss whose parameter gradient is kept and added to the mixed loss's
    /// (the official <c>clean_lam</c>; the saliency comes from the same backward pass). 0 takes the
    /// saliency from an input-only gradient and trains on the mixed loss alone. The default value is 1.0.
    /// </summary>
    public double CleanLambda { get; init; } = 1.0;

    /// <summary>Training loss on the mixed batch: bce (binary cross-entropy on softmax, the official CIFAR loss) or soft-ce. The default value is bce.</summary>
    public Training.TrainingLoss Loss { get; init; } = Training.TrainingLoss.Bce;

    /// <summary>Throws <see cref="UsageException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Check(Beta >= 0 && double.IsFinite(Beta), "beta", Beta, "a finite value >= 0");
        Check(Gamma >= 0 && double.IsFinite(Gamma), "gamma", Gamma, "a finite value >= 0");
        Check(Eta >= 0 && double.IsFinite(Eta), "eta", Eta, "a finite value >= 0");
        Check(Tau >= 0 && double.IsFinite(Tau), "tau", Tau, "a finite value >= 0");
        Check(Omega is >= 0 and <= 1, "omega", Omega, "a value in [0, 1]");
        Check(Alpha > 0 && double.IsFinite(Alpha), "alpha", Alpha, "a finite value > 0");
        // The solver's buffers grow with the square of the partition size (1,024: 8 MB each).
        Check(PartitionSize is >= 1 and <= MaxPartitionSize, "partition-size", PartitionSize, $"an integer in [1, {MaxPartitionSize}]");
        Check(BlockGrid is >= 1 and <= 16, "block-grid", BlockGrid, "an integer in [1, 16]");
        Check(Iterations >= 1, "iterations", Iterations, "an integer >= 1");
        Check(Tolerance >= 0, "tolerance", Tolerance, "a value >= 0");
        Check(CompatibilityKernel >= 1, "compatibility-kernel", CompatibilityKernel, "an integer >= 1");
        Check(CleanLambda >= 0 && double.IsFinite(CleanLambda), "clean-lambda", CleanLambda, "a finite value >= 0");
        Check(MaxDegreeOfParallelism == -1 || MaxDegreeOfParallelism >= 1, "max-degree-of-parallelism", MaxDegreeOfParallelism, "-1 (all cores) or an integer >= 1");
    }

    private static void Check(bool ok, string name, object value, string expected)
    {
        if (!ok) throw new UsageException($"comixup setting '{name}' is {value}; it must be {expected}.");
    }
}

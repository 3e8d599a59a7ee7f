namespace RLMix.Training;

/// <summary>
/// PyTorch's <c>OneCycleLR</c> with cosine annealing and <c>three_phase=False</c>, stepped once per
/// optimizer step: the LR rises from <c>maxLr / divFactor</c> to <c>maxLr</c> over the first
/// <c>pctStart</c> of <c>totalSteps</c>, then anneals to <c>maxLr / divFactor / finalDivFactor</c>;
/// the momentum, when cycled, moves inversely between <c>maxMomentum</c> and <c>baseMomentum</c>.
/// </summary>
/// <remarks>
/// Phase boundaries are PyTorch's: phase 1 ends at step <c>pctStart * totalSteps - 1</c>, phase 2 at
/// <c>totalSteps - 1</c>. Where PyTorch would divide by a zero-length phase (tiny runs), the phase's
/// end value is used.
/// </remarks>
public sealed class OneCycleSchedule : ILearningRateSchedule
{
    readonly double initialLr;
    readonly double minLr;
    readonly double phase1End;

    /// <summary>Creates the schedule. Defaults are PyTorch's <c>OneCycleLR</c> defaults.</summary>
    /// <param name="maxLr">Peak learning rate.</param>
    /// <param name="totalSteps">Number of optimizer steps (epochs x steps per epoch).</param>
    /// <param name="pctStart">Fraction of the steps spent increasing the LR, in (0, 1).</param>
    /// <param name="divFactor">Initial LR = maxLr / divFactor.</param>
    /// <param name="finalDivFactor">Final LR = initial LR / finalDivFactor.</param>
    /// <param name="cycleMomentum">Whether to cycle momentum inversely to the LR.</param>
    /// <param name="baseMomentum">Momentum at the LR peak.</param>
    /// <param name="maxMomentum">Momentum at the start and end.</param>
    public OneCycleSchedule(double maxLr, long totalSteps, double pctStart = 0.3, double divFactor = 25,
        double finalDivFactor = 1e4, bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxLr, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        if (!(pctStart > 0 && pctStart < 1)) throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "pct_start must be in (0, 1).");
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(divFactor, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(finalDivFactor, 0);
        MaxLr = maxLr;
        TotalSteps = totalSteps;
        CycleMomentum = cycleMomentum;
        BaseMomentum = baseMomentum;
        MaxMomentum = maxMomentum;
        initialLr = maxLr / divFactor;
        minLr = initialLr / finalDivFactor;
        phase1End = pctStart * totalSteps - 1;
    }

    /// <summary>Peak learning rate.</summary>
    public double MaxLr { get; }

    /// <summary>Number of optimizer steps the cycle spans.</summary>
    public long TotalSteps { get; }

    /// <summary>Whether momentum is cycled.</summary>
    public bool CycleMomentum { get; }

    /// <summary>Momentum at the LR peak.</summary>
    public double BaseMomentum { get; }

    /// <summary>Momentum at the start and end of the cycle.</summary>
    public double MaxMomentum { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative or beyond <see cref="TotalSteps"/> (PyTorch raises there too).</exception>
    public double LearningRate(long step)
    {
        var (phase, pct) = Locate(step);
        return phase == 0 ? CosineAnneal(initialLr, MaxLr, pct) : CosineAnneal(MaxLr, minLr, pct);
    }

    /// <inheritdoc />
    public double? Momentum(long step)
    {
        if (!CycleMomentum) return null;
        var (phase, pct) = Locate(step);
        return phase == 0 ? CosineAnneal(MaxMomentum, BaseMomentum, pct) : CosineAnneal(BaseMomentum, MaxMomentum, pct);
    }

    (int Phase, double Pct) Locate(long step)
    {
        if (step < 0 || step > TotalSteps)
            throw new ArgumentOutOfRangeException(nameof(step), step, $"OneCycle schedule spans {TotalSteps} steps; step {step} is outside it.");
        if (step <= phase1End) return (0, Fraction(step, 0, phase1End));
        return (1, Fraction(step, phase1End, TotalSteps - 1));
    }

    static double Fraction(double step, double start, double end) => end > start ? (step - start) / (end - start) : 1.0;

    // PyTorch's _annealing_cos: end + (start - end) / 2 * (cos(pi * pct) + 1).
    static double CosineAnneal(double start, double end, double pct) => end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1);
}

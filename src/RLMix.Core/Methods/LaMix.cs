using static TorchSharp.torch;

namespace RLMix.Methods;

/// <summary>The equations of LaMix's training target, as pure functions.</summary>
public static class LaMix
{
    /// <summary>The averaged input 0.5 x_i + 0.5 x_j (eq. 4) of <c>[B,C,H,W]</c> inputs and their partners.</summary>
    public static Tensor AveragedInput(Tensor inputs, Tensor permutation)
    {
        using var scope = NewDisposeScope();
        return (0.5 * inputs + 0.5 * inputs.index_select(0, permutation.to(inputs.device))).MoveToOuterDisposeScope();
    }

    /// <summary>The global soft label p = softmax(sigmoid(W_t S)) (eq. 9) of the head's output W_t S <c>[B, K]</c>.</summary>
    /// <remarks>sigmoid bounds W_t S to (0, 1), so p stays close to uniform: each entry lies in [1 / (1 + (K-1) e), e / (e + K - 1)].</remarks>
    public static Tensor GlobalSoftLabel(Tensor headOutput)
    {
        using var scope = NewDisposeScope();
        return headOutput.sigmoid().softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>The training target y = beta y_mixed + (1 - beta) p (eq. 10).</summary>
    public static Tensor TrainingTarget(Tensor localLabel, Tensor globalLabel, double beta)
    {
        using var scope = NewDisposeScope();
        return (beta * localLabel + (1 - beta) * globalLabel).MoveToOuterDisposeScope();
    }

    /// <summary>Whether batch <paramref name="batchIndex"/> is a mixed minibatch: odd indices when alternating (even ones are clean), every batch otherwise.</summary>
    public static bool IsMixedStep(int batchIndex, bool alternate) => !alternate || batchIndex % 2 == 1;
}

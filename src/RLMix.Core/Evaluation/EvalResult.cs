namespace RLMix.Evaluation;

/// <summary>Test-set metrics, all in percent.</summary>
/// <param name="Top1Error">Top-1 error on the clean inputs.</param>
/// <param name="Ece">Expected calibration error (<see cref="Evaluator.EceBins"/> equal-width confidence bins).</param>
/// <param name="FgsmError">Top-1 error on one-step FGSM inputs (epsilon 8/255 in [0,1] pixel space); NaN when not computed.</param>
/// <param name="ConfidenceMinusAccuracy">Mean confidence minus accuracy (signed calibration; &gt; 0 over-confident).</param>
public sealed record EvalResult(double Top1Error, double Ece, double FgsmError, double ConfidenceMinusAccuracy = double.NaN);

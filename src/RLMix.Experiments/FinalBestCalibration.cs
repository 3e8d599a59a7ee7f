using System.Globalization;
using System.Text;

namespace RLMix.Experiments;

/// <summary>
/// One entry's final- and best-epoch error and its signed calibration, over seeds: the columns the
/// comparison tables add beside the main table.
/// </summary>
/// <param name="Entry">Entry name.</param>
/// <param name="FinalTop1Error">Top-1 error after the last epoch (the main table's).</param>
/// <param name="BestTop1Error">Lowest per-epoch top-1 test error (the official code's "best test epoch"; optimistic).</param>
/// <param name="BestEpochs">The epoch of <paramref name="BestTop1Error"/>, per seed.</param>
/// <param name="ConfidenceMinusAccuracy">Mean confidence minus accuracy in percent; null when a seed's metrics.json predates it.</param>
/// <param name="EceBins">Confidence bins of the ECE, per distinct value over seeds.</param>
public sealed record FinalBestCalibration(string Entry, Stat FinalTop1Error, Stat BestTop1Error, IReadOnlyList<int> BestEpochs,
    Stat? ConfidenceMinusAccuracy, IReadOnlyList<int> EceBins)
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One row per entry of <paramref name="r"/>, in the config's order.</summary>
    public static IReadOnlyList<FinalBestCalibration> Of(ComparisonResult r) =>
        r.Config.Entries.Select(e =>
        {
            var cells = r.Cells.Where(c => c.Entry == e.Name).Select(c => c.Metrics).ToList();
            var signed = cells.Select(m => m.ConfidenceMinusAccuracy).ToList();
            return new FinalBestCalibration(e.Name,
                Stat.Of(cells.Select(m => m.Top1Error)), Stat.Of(cells.Select(m => m.BestTop1Error)),
                cells.Select(m => m.BestEpoch).ToList(),
                signed.All(s => s.HasValue) ? Stat.Of(signed.Select(s => s!.Value)) : null,
                cells.Select(m => m.EceBins).Distinct().ToList());
        }).ToList();

    /// <summary>The markdown table, with a line saying what the columns mean.</summary>
    public static string Markdown(ComparisonResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Final and best epoch, and signed calibration. \"Final\" is the error after the last epoch (the table above);");
        sb.AppendLine("\"best\" is the lowest per-epoch test error, which the official R-Mix and Co-Mixup code report: it is picked on the");
        sb.AppendLine("test set, so it is optimistic. Confidence − accuracy is the mean max-softmax probability minus the accuracy, in");
        sb.AppendLine("percent (> 0 over-confident, < 0 under-confident); the ECE has no sign.");
        sb.AppendLine();
        sb.AppendLine("| entry | top-1 error (final) | top-1 error (best epoch) | best epoch per seed | confidence − accuracy | ECE bins |");
        sb.AppendLine("|---|---:|---:|---|---:|---:|");
        foreach (var row in Of(r))
        {
            sb.AppendLine(Inv, $"| {row.Entry} | {S(row.FinalTop1Error)} | {S(row.BestTop1Error)} | {string.Join(", ", row.BestEpochs)} | {(row.ConfidenceMinusAccuracy is { } c ? S(c, "+0.00;-0.00;0.00") : "not recorded")} | {string.Join(", ", row.EceBins)} |");
        }
        sb.AppendLine();
        return sb.ToString();
    }

    static string S(Stat s, string format = "0.00") =>
        double.IsNaN(s.Std) ? s.Mean.ToString(format, Inv) : $"{s.Mean.ToString(format, Inv)} ± {s.Std.ToString("0.00", Inv)}";
}

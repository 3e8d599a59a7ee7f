using System.Globalization;
using System.Text;
using System.Text.Json;
using RLMix.Configuration;
using RLMix.IO;

namespace RLMix.Experiments;

/// <summary>Writes results.md, results.csv and results.json of a comparison (each atomically).</summary>
public static class ComparisonReport
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the three result files into <paramref name="outDir"/>.</summary>
    public static void Write(ComparisonResult r, string outDir)
    {
        AtomicFile.WriteAllText(Path.Combine(outDir, "results.md"), Markdown(r));
        AtomicFile.WriteAllText(Path.Combine(outDir, "results.csv"), Csv(r));
        // Cell directories are written relative to outDir, so the results travel with their folder.
        AtomicFile.WriteAllText(Path.Combine(outDir, "results.json"), JsonSerializer.Serialize(new
        {
            name = r.Config.Name, dataset = r.Config.Dataset, model = r.Config.Model, epochs = r.Config.Epochs,
            seeds = r.Config.Seeds, baseline = r.Config.BaselineName, rows = r.Rows,
            cells = r.Cells.Select(c => new { entry = c.Entry, seed = c.Seed, directory = Path.GetRelativePath(outDir, c.Directory), c.Metrics.Top1Error, c.Metrics.Ece, c.Metrics.FgsmError, c.Metrics.SecondsPerEpoch,
                c.Metrics.BestTop1Error, c.Metrics.BestEpoch, c.Metrics.ConfidenceMinusAccuracy, c.Metrics.EceBins }),
            final_best_calibration = FinalBestCalibration.Of(r),
        }, new JsonSerializerOptions(ConfigFile.JsonOptions) { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
    }

    /// <summary>The markdown table: mean ± sd over seeds, time ratio to vanilla, difference to the baseline with CI and p.</summary>
    public static string Markdown(ComparisonResult r)
    {
        var c = r.Config;
        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"# {c.Name}");
        sb.AppendLine();
        sb.AppendLine(Inv, $"{c.Dataset}, {c.Model}, {c.Epochs} epochs, seeds {string.Join(", ", c.Seeds)}. Errors and ECE in percent, mean ± standard deviation over seeds.");
        sb.AppendLine(Inv, $"Δ error: entry minus baseline `{c.BaselineName}`, with a 95% confidence interval and Welch's t-test p-value (needs ≥ 2 seeds).");
        sb.AppendLine();
        sb.AppendLine("| entry | method | seeds | top-1 error | ECE | FGSM error | s/epoch | time / vanilla | Δ error [95% CI] | p |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var row in r.Rows)
        {
            string delta = row.VsBaseline is { } w
                ? double.IsNaN(w.Low) ? F(w.Difference) : $"{F(w.Difference)} [{F(w.Low)}, {F(w.High)}]"
                : "baseline";
            string p = row.VsBaseline is { } v && !double.IsNaN(v.PValue) ? v.PValue.ToString("0.000", Inv) : "";
            sb.AppendLine(Inv, $"| {row.Entry} | {row.Method} | {row.Seeds} | {S(row.Top1Error)} | {S(row.Ece)} | {S(row.FgsmError)} | {S(row.SecondsPerEpoch, "0.0")} | {(double.IsNaN(row.TimeRatioToVanilla) ? "" : row.TimeRatioToVanilla.ToString("0.00", Inv) + "x")} | {delta} | {p} |");
        }
        sb.AppendLine();
        sb.Append(FinalBestCalibration.Markdown(r));
        sb.AppendLine("Plots: `test-error.png` (test error per epoch), `final-error.png` (final error with error bars)" +
            (r.Cells.Any(cell => cell.Metrics.History.Any(h => h.Extra?.ContainsKey("mean_reward") == true)) ? ", `rl-reward.png`, `rl-q.png` (RL-Mix reward per episode and chosen q)." : "."));
        return sb.ToString();
    }

    static string Csv(ComparisonResult r)
    {
        var sb = new StringBuilder("entry,method,seeds,top1_error_mean,top1_error_std,ece_mean,ece_std,fgsm_error_mean,fgsm_error_std,seconds_per_epoch_mean,time_ratio_to_vanilla,delta_error,delta_low,delta_high,p_value"
            + ",best_top1_error_mean,best_top1_error_std,confidence_minus_accuracy_mean,confidence_minus_accuracy_std\n");
        var extra = FinalBestCalibration.Of(r).ToDictionary(x => x.Entry);
        foreach (var row in r.Rows)
        {
            var w = row.VsBaseline;
            sb.AppendLine(string.Join(",", new object[]
            {
                row.Entry, row.Method, row.Seeds, row.Top1Error.Mean, row.Top1Error.Std, row.Ece.Mean, row.Ece.Std,
                row.FgsmError.Mean, row.FgsmError.Std, row.SecondsPerEpoch.Mean, row.TimeRatioToVanilla,
                w?.Difference ?? 0, w?.Low ?? double.NaN, w?.High ?? double.NaN, w?.PValue ?? double.NaN,
                extra[row.Entry].BestTop1Error.Mean, extra[row.Entry].BestTop1Error.Std,
                extra[row.Entry].ConfidenceMinusAccuracy?.Mean ?? double.NaN, extra[row.Entry].ConfidenceMinusAccuracy?.Std ?? double.NaN,
            }.Select(o => Convert.ToString(o, Inv))));
        }
        return sb.ToString();
    }

    static string F(double x) => x.ToString("+0.00;-0.00;0.00", Inv);

    static string S(Stat s, string format = "0.00") =>
        double.IsNaN(s.Std) ? s.Mean.ToString(format, Inv) : $"{s.Mean.ToString(format, Inv)} ± {s.Std.ToString(format, Inv)}";
}

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
        sb.AppendLine(Inv, $"Paired Δ: the same difference per seed (seeds both ran; a seed fixes initialization and data order for every entry), with a paired-t 95% interval and p-value; seeds for ±{F0(PairedT.DetectDifference)}: seeds a paired t-test needs to detect a {F0(PairedT.DetectDifference)}-point difference at the measured SD of the differences (two-sided alpha 0.05, power 0.8).");
        sb.AppendLine();
        sb.AppendLine(Inv, $"| entry | method | seeds | top-1 error | ECE | FGSM error | s/epoch | time / vanilla | Δ error [95% CI] | p | paired Δ [95% CI] | paired p | seeds for ±{F0(PairedT.DetectDifference)} |");
        sb.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|");
        foreach (var row in r.Rows)
        {
            string delta = row.VsBaseline is { } w
                ? double.IsNaN(w.Low) ? F(w.Difference) : $"{F(w.Difference)} [{F(w.Low)}, {F(w.High)}]"
                : "baseline";
            string p = row.VsBaseline is { } v && !double.IsNaN(v.PValue) ? v.PValue.ToString("0.000", Inv) : "";
            sb.AppendLine(Inv, $"| {row.Entry} | {row.Method} | {row.Seeds} | {S(row.Top1Error)} | {S(row.Ece)} | {S(row.FgsmError)} | {S(row.SecondsPerEpoch, "0.0")} | {(double.IsNaN(row.TimeRatioToVanilla) ? "" : row.TimeRatioToVanilla.ToString("0.00", Inv) + "x")} | {delta} | {p} | {PairedCells(row.Paired)} |");
        }
        sb.AppendLine();
        AppendSeedDifferences(sb, r);
        sb.Append(FinalBestCalibration.Markdown(r));
        sb.AppendLine("Plots: `test-error.png` (test error per epoch), `final-error.png` (final error with error bars)" +
            (r.Cells.Any(cell => cell.Metrics.History.Any(h => h.Extra?.ContainsKey("mean_reward") == true)) ? ", `rl-reward.png`, `rl-q.png` (RL-Mix reward per episode and chosen q)." : "."));
        return sb.ToString();
    }

    static string Csv(ComparisonResult r)
    {
        var sb = new StringBuilder("entry,method,seeds,top1_error_mean,top1_error_std,ece_mean,ece_std,fgsm_error_mean,fgsm_error_std,seconds_per_epoch_mean,time_ratio_to_vanilla,delta_error,delta_low,delta_high,p_value"
            + ",paired_seeds,paired_delta,paired_low,paired_high,paired_p_value,paired_sd,seeds_to_detect_0_5,paired_differences"
            + ",best_top1_error_mean,best_top1_error_std,confidence_minus_accuracy_mean,confidence_minus_accuracy_std\n");
        var extra = FinalBestCalibration.Of(r).ToDictionary(x => x.Entry);
        foreach (var row in r.Rows)
        {
            var w = row.VsBaseline;
            var d = row.Paired;
            sb.AppendLine(string.Join(",", new object[]
            {
                row.Entry, row.Method, row.Seeds, row.Top1Error.Mean, row.Top1Error.Std, row.Ece.Mean, row.Ece.Std,
                row.FgsmError.Mean, row.FgsmError.Std, row.SecondsPerEpoch.Mean, row.TimeRatioToVanilla,
                w?.Difference ?? 0, w?.Low ?? double.NaN, w?.High ?? double.NaN, w?.PValue ?? double.NaN,
                d?.Pairs ?? 0, d?.Mean ?? 0, d?.Low ?? double.NaN, d?.High ?? double.NaN, d?.PValue ?? double.NaN, d?.Sd ?? double.NaN,
                d?.SeedsToDetect?.ToString(Inv) ?? "",
                // seed:difference pairs, ';'-separated so the column stays one CSV field
                d is null ? "" : string.Join(";", d.Differences.Select(x => $"{x.Seed}:{x.Difference.ToString("R", Inv)}")),
                extra[row.Entry].BestTop1Error.Mean, extra[row.Entry].BestTop1Error.Std,
                extra[row.Entry].ConfidenceMinusAccuracy?.Mean ?? double.NaN, extra[row.Entry].ConfidenceMinusAccuracy?.Std ?? double.NaN,
            }.Select(o => Convert.ToString(o, Inv))));
        }
        return sb.ToString();
    }

    /// <summary>The paired columns: mean difference with its interval, p, seeds to detect; "n/a (why)" where a value does not exist.</summary>
    static string PairedCells(PairedResult? d) => d switch
    {
        null => "baseline | |",
        { Pairs: 0 } => "n/a (no common seed) | |",
        { Pairs: 1 } => $"{F(d.Mean)} (1 seed: no interval) | n/a | n/a",
        _ => $"{F(d.Mean)} [{F(d.Low)}, {F(d.High)}] | {d.PValue.ToString("0.000", Inv)} | {d.SeedsToDetect}",
    };

    /// <summary>Per-seed differences to the baseline, one row per entry, one column per seed ("–": the seed is missing in one of the two).</summary>
    static void AppendSeedDifferences(StringBuilder sb, ComparisonResult r)
    {
        var seeds = r.Cells.Select(cell => cell.Seed).Distinct().Order().ToList();
        var rows = r.Rows.Where(row => row.Paired is not null).ToList();
        if (rows.Count == 0) return;
        sb.AppendLine(Inv, $"Top-1 error minus `{r.Config.BaselineName}`'s, per seed:");
        sb.AppendLine();
        sb.AppendLine("| entry | " + string.Join(" | ", seeds.Select(s => $"seed {s}")) + " |");
        sb.AppendLine("|---|" + string.Concat(seeds.Select(_ => "---:|")));
        foreach (var row in rows)
        {
            var bySeed = row.Paired!.Differences.ToDictionary(d => d.Seed, d => d.Difference);
            sb.AppendLine($"| {row.Entry} | " + string.Join(" | ", seeds.Select(s => bySeed.TryGetValue(s, out var d) ? F(d) : "–")) + " |");
        }
        sb.AppendLine();
    }

    static string F0(double x) => x.ToString("0.0##", Inv);

    static string F(double x) => x.ToString("+0.00;-0.00;0.00", Inv);

    static string S(Stat s, string format = "0.00") =>
        double.IsNaN(s.Std) ? s.Mean.ToString(format, Inv) : $"{s.Mean.ToString(format, Inv)} ± {s.Std.ToString(format, Inv)}";
}

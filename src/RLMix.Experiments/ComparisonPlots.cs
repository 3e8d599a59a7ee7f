using ScottPlot;

namespace RLMix.Experiments;

/// <summary>PNG plots of a comparison, made with ScottPlot (headless).</summary>
public static class ComparisonPlots
{
    const int Width = 900, Height = 560;
    static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>Writes test-error.png, final-error.png and, for RL-Mix entries, rl-reward.png and rl-q.png.</summary>
    public static IReadOnlyList<string> Write(ComparisonResult r, string outDir)
    {
        var written = new List<string> { TestErrorCurves(r, outDir), FinalErrorBars(r, outDir) };
        var rl = r.Config.Entries.Where(e => r.Cells.Any(c => c.Entry == e.Name && c.Metrics.History.Any(h => h.Extra?.ContainsKey("mean_reward") == true))).ToList();
        if (rl.Count > 0)
        {
            written.Add(Series(r, rl, outDir, "rl-reward.png", "mean_reward", "RL-Mix: mean reward per episode (epoch)", "mean reward"));
            written.Add(QDistribution(r, rl, outDir));
        }
        return written;
    }

    static string TestErrorCurves(ComparisonResult r, string outDir)
    {
        var plt = new Plot();
        int i = 0;
        foreach (var e in r.Config.Entries)
        {
            var histories = r.Cells.Where(c => c.Entry == e.Name).Select(c => c.Metrics.History).ToList();
            int epochs = histories.Min(h => h.Count);
            double[] xs = Enumerable.Range(1, epochs).Select(x => (double)x).ToArray();
            double[] mean = xs.Select((_, k) => histories.Average(h => h[k].TestError)).ToArray();
            var color = Palette.GetColor(i++);
            if (histories.Count > 1)
            {
                double[] lo = xs.Select((_, k) => histories.Min(h => h[k].TestError)).ToArray();
                double[] hi = xs.Select((_, k) => histories.Max(h => h[k].TestError)).ToArray();
                var band = plt.Add.FillY(xs, lo, hi);
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
            }
            var line = plt.Add.Scatter(xs, mean);
            line.Color = color;
            line.LineWidth = 2;
            line.LegendText = e.Name;
        }
        plt.Title($"{r.Config.Name}: test error per epoch (mean{(r.Config.Seeds.Length > 1 ? ", band = min..max over seeds" : "")})");
        plt.XLabel("epoch");
        plt.YLabel("top-1 test error (%)");
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1); // whole epochs
        plt.ShowLegend(Alignment.UpperRight);
        return Save(plt, outDir, "test-error.png");
    }

    static string FinalErrorBars(ComparisonResult r, string outDir)
    {
        var plt = new Plot();
        var bars = r.Rows.Select((row, k) => new Bar
        {
            Position = k,
            Value = row.Top1Error.Mean,
            Error = double.IsNaN(row.Top1Error.Std) ? 0 : row.Top1Error.Std,
            FillColor = Palette.GetColor(k),
        }).ToList();
        plt.Add.Bars(bars);
        plt.Axes.Bottom.SetTicks(Enumerable.Range(0, r.Rows.Count).Select(k => (double)k).ToArray(), r.Rows.Select(x => x.Entry).ToArray());
        plt.Axes.Margins(bottom: 0);
        plt.Title($"{r.Config.Name}: final top-1 test error{(r.Config.Seeds.Length > 1 ? " (error bars: ±1 sd over seeds)" : "")}");
        plt.YLabel("top-1 test error (%)");
        plt.XLabel("entry");
        return Save(plt, outDir, "final-error.png");
    }

    static string Series(ComparisonResult r, List<ExperimentEntry> entries, string outDir, string file, string key, string title, string yLabel)
    {
        var plt = new Plot();
        int i = 0;
        foreach (var e in entries)
        {
            var histories = r.Cells.Where(c => c.Entry == e.Name).Select(c => c.Metrics.History).ToList();
            int epochs = histories.Min(h => h.Count);
            double[] xs = Enumerable.Range(1, epochs).Select(x => (double)x).ToArray();
            double[] ys = xs.Select((_, k) => histories.Average(h => h[k].Extra?.GetValueOrDefault(key) ?? double.NaN)).ToArray();
            var line = plt.Add.Scatter(xs, ys);
            line.Color = Palette.GetColor(i++);
            line.LineWidth = 2;
            line.LegendText = e.Name;
        }
        plt.Title(title);
        plt.XLabel("episode (epoch)");
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        plt.YLabel(yLabel);
        plt.ShowLegend(Alignment.LowerRight);
        return Save(plt, outDir, file);
    }

    static string QDistribution(ComparisonResult r, List<ExperimentEntry> entries, string outDir)
    {
        var plt = new Plot();
        // K (the number of q values) as recorded in the histories: keys q_0 .. q_{K-1}.
        int k = Enumerable.Range(0, 1000).TakeWhile(i => r.Cells.Any(c => c.Metrics.History.Any(h => h.Extra?.ContainsKey($"q_{i}") == true))).Count();
        var qs = Mixing.RMixOptions.TopK(Math.Max(k, 1));
        double width = 0.8 / entries.Count;
        for (int i = 0; i < entries.Count; i++)
        {
            var cells = r.Cells.Where(c => c.Entry == entries[i].Name).ToList();
            double[] counts = qs.Select((_, j) => cells.Sum(c => c.Metrics.History.Sum(h => h.Extra?.GetValueOrDefault($"q_{j}") ?? 0))).ToArray();
            double total = Math.Max(counts.Sum(), 1);
            var bars = counts.Select((n, j) => new Bar
            {
                Position = j + (i - (entries.Count - 1) / 2.0) * width,
                Value = n / total,
                Size = width,
                FillColor = Palette.GetColor(i),
            }).ToList();
            var plot = plt.Add.Bars(bars);
            plot.LegendText = entries[i].Name;
        }
        plt.Axes.Bottom.SetTicks(Enumerable.Range(0, qs.Length).Select(j => (double)j).ToArray(), qs.Select(q => q.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plt.Axes.Margins(bottom: 0);
        plt.Title("RL-Mix: distribution of the chosen top-k threshold q (all epochs)");
        plt.XLabel("q");
        plt.YLabel("fraction of images");
        plt.ShowLegend(Alignment.UpperRight);
        return Save(plt, outDir, "rl-q.png");
    }

    static string Save(Plot plt, string outDir, string file)
    {
        string path = Path.Combine(outDir, file);
        string tmp = path + ".tmp.png";
        plt.SavePng(tmp, Width, Height);
        File.Move(tmp, path, overwrite: true);
        return path;
    }
}

using System.Globalization;
using RLMix.IO;

namespace RLMix.Agents.Metrics;

/// <summary>
/// Writes dumps to a CSV as Stable-Baselines3's <c>progress.csv</c>: one row per dump, one column per key
/// (<c>df["rollout/ep_rew_mean"]</c> works in pandas), an empty cell where a dump lacks a key. Keys that
/// first appear in a later dump are added as columns (sorted, after the existing ones) and the file is
/// rewritten with the wider header, as SB3's <c>CSVOutputFormat</c> does.
/// </summary>
public sealed class CsvMetricSink : IMetricSink
{
    readonly string path;
    readonly List<string> columns = [];
    StreamWriter writer;

    /// <summary>Creates (or, with <paramref name="append"/>, continues) the file at <paramref name="path"/>.</summary>
    public CsvMetricSink(string path, bool append = false)
    {
        this.path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (append && File.Exists(path) && File.ReadLines(path).FirstOrDefault() is { Length: > 0 } header)
            columns.AddRange(header.Split(','));
        writer = new StreamWriter(path, append) { AutoFlush = true };
    }

    /// <inheritdoc />
    public void Write(long step, IReadOnlyDictionary<string, double> values)
    {
        var added = values.Keys.Where(k => !columns.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (added.Count > 0) Widen(added);
        writer.WriteLine(string.Join(',', columns.Select(c => values.TryGetValue(c, out var v) ? Format(v) : "")));
    }

    /// <summary>The number of data rows in the CSV at <paramref name="path"/> (0 when it does not exist).</summary>
    public static int RowCount(string path) => File.Exists(path) ? Math.Max(0, File.ReadLines(path).Count() - 1) : 0;

    /// <summary>
    /// Keeps the header and the first <paramref name="rows"/> rows of the CSV at <paramref name="path"/>, and only
    /// the columns those rows use: what the file held when a checkpoint recorded <paramref name="rows"/>.
    /// </summary>
    public static void Truncate(string path, int rows)
    {
        if (!File.Exists(path)) return;
        if (rows == 0)
        {
            File.Delete(path);
            return;
        }
        var lines = File.ReadLines(path).Take(rows + 1).Select(l => l.Split(',')).ToList();
        if (lines.Count == 0) return;
        var keep = Enumerable.Range(0, lines[0].Length).Where(i => lines.Skip(1).Any(r => i < r.Length && r[i].Length > 0)).ToList();
        AtomicFile.WriteAllText(path, string.Concat(lines.Select(r => string.Join(',', keep.Select(i => i < r.Length ? r[i] : "")) + "\n")));
    }

    void Widen(List<string> added)
    {
        writer.Dispose();
        var old = File.Exists(path) ? File.ReadLines(path).Skip(columns.Count > 0 ? 1 : 0).ToList() : [];
        columns.AddRange(added);
        var padding = new string(',', added.Count);
        AtomicFile.WriteAllText(path, string.Concat(old.Select(l => l + padding + "\n").Prepend(string.Join(',', columns) + "\n")));
        writer = new StreamWriter(path, append: true) { AutoFlush = true };
    }

    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}

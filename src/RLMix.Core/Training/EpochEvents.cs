using System.Globalization;
using RLMix.TensorBoard;

namespace RLMix.Training;

/// <summary>
/// A training run's TensorBoard scalars, one event per epoch (step = epoch) in <c>tb/</c> beside epochs.csv:
/// <c>train/loss</c>, <c>test/error</c> (%), <c>train/lr</c>, <c>time/images_per_s</c>, <c>time/epoch_seconds</c>,
/// and a method's epoch statistics (RL-Mix: <c>rlmix/mean_reward</c> and <c>rlmix/q_share/Q</c>, the share of
/// images given top-k value index Q). Like epochs.csv, the file mirrors the run's history: a resumed run
/// rewrites it from the checkpoint's history, so a crash between an epoch's event and its checkpoint leaves no duplicate.
/// </summary>
public sealed class EpochEvents : IDisposable
{
    /// <summary>The TensorBoard directory's name inside a run directory.</summary>
    public const string DirectoryName = "tb";

    readonly EventFileWriter writer;
    readonly int imagesPerEpoch;

    /// <summary>Starts <c>tb/</c> in <paramref name="runDir"/> afresh and writes <paramref name="history"/> (a resumed run's epochs) into it.</summary>
    public EpochEvents(string runDir, int imagesPerEpoch, IEnumerable<EpochRecord> history)
    {
        var dir = Path.Combine(runDir, DirectoryName);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        writer = new EventFileWriter(dir);
        this.imagesPerEpoch = imagesPerEpoch;
        foreach (var record in history) Write(record);
    }

    /// <summary>Writes one epoch's scalars.</summary>
    public void Write(EpochRecord r) => writer.AddScalars(r.Epoch, Scalars(r, imagesPerEpoch));

    /// <summary>The (tag, value) pairs of one epoch.</summary>
    public static IEnumerable<KeyValuePair<string, double>> Scalars(EpochRecord r, int imagesPerEpoch)
    {
        yield return new("train/loss", r.TrainLoss);
        yield return new("test/error", r.TestError);
        yield return new("train/lr", r.Lr);
        yield return new("time/epoch_seconds", r.Seconds);
        if (r.Seconds > 0) yield return new("time/images_per_s", imagesPerEpoch / r.Seconds);
        if (r.Extra is not { } extra) yield break;
        if (extra.TryGetValue("mean_reward", out var reward)) yield return new("rlmix/mean_reward", reward);
        var q = extra.Where(kv => kv.Key.StartsWith("q_", StringComparison.Ordinal) && int.TryParse(kv.Key.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .OrderBy(kv => int.Parse(kv.Key.AsSpan(2), CultureInfo.InvariantCulture)).ToList();
        var total = q.Sum(kv => kv.Value);
        if (total > 0)
            foreach (var (key, count) in q) yield return new($"rlmix/q_share/{key[2..]}", count / total);
    }

    /// <inheritdoc />
    public void Dispose() => writer.Dispose();
}

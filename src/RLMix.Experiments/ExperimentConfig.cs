using System.Text.Json;
using System.Text.Json.Nodes;
using RLMix.Configuration;
using RLMix.Errors;
using RLMix.Training;

namespace RLMix.Experiments;

/// <summary>
/// A comparison: entries (a method with its options, or an RL-Mix policy) x seeds on one data set and model.
/// </summary>
/// <example>
/// <code>
/// { "name": "quickstart", "dataset": "fashion-mnist-mini", "model": "small-cnn", "epochs": 2, "seeds": [0],
///   "baseline": "vanilla",
///   "base": { "trainer": { "max_lr": 0.3 } },
///   "entries": [ { "name": "vanilla", "method": "vanilla" },
///                { "name": "rmix", "method": "rmix", "options": { "alpha": 1.0 } },
///                { "name": "rl-random", "method": "rlmix", "policy": "random" } ] }
/// </code>
/// </example>
public sealed record ExperimentConfig
{
    /// <summary>Name of the comparison (titles of tables and plots).</summary>
    public string Name { get; init; } = "comparison";

    /// <summary>Data set of every cell. The default value is fashion-mnist-mini.</summary>
    public string Dataset { get; init; } = "fashion-mnist-mini";

    /// <summary>Model of every cell. The default value is small-cnn.</summary>
    public string Model { get; init; } = "small-cnn";

    /// <summary>Epochs of every cell. The default value is 2.</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Seeds; every entry runs once per seed. The default value is [0].</summary>
    public long[] Seeds { get; init; } = [0];

    /// <summary>Entry that every other is compared against. The default value is the first entry.</summary>
    public string? Baseline { get; init; }

    /// <summary>Any other run settings shared by every cell, as in a <c>rlmix train</c> config file.</summary>
    public JsonObject? Base { get; init; }

    /// <summary>The compared entries.</summary>
    public ExperimentEntry[] Entries { get; init; } = [];

    /// <summary>Loads and checks a comparison config.</summary>
    public static ExperimentConfig Load(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"Comparison config '{path}' not found. See experiments/quickstart.json for an example.");
        ExperimentConfig c;
        try
        {
            c = JsonSerializer.Deserialize<ExperimentConfig>(File.ReadAllText(path), ConfigFile.JsonOptions) ?? new();
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: {ConfigFile.Describe(e)}");
        }
        if (c.Entries.Length == 0) throw new UsageException($"{path}: 'entries' is empty; list at least one method.");
        if (c.Seeds.Length == 0) throw new UsageException($"{path}: 'seeds' is empty.");
        c.CheckEntryNames(path);
        if (c.Baseline != null && c.Entries.All(e => e.Name != c.Baseline))
            throw new UsageException($"{path}: baseline '{c.Baseline}' is not an entry. Entries: {string.Join(", ", c.Entries.Select(e => e.Name))}.");
        foreach (var e in c.Entries) c.CellConfig(e, c.Seeds[0]).Validate();
        return c;
    }

    /// <summary>
    /// Refuses entry names that are not safe, distinct directory names (<see cref="IO.SafeName"/>): each entry's
    /// cells live in <c>OUT/NAME</c>, so names must not leave OUT nor share a directory.
    /// </summary>
    /// <exception cref="UsageException">Names the entry and the rule it breaks; <paramref name="source"/> names the config.</exception>
    public void CheckEntryNames(string source)
    {
        foreach (var e in Entries)
            if (IO.SafeName.Problem(e.Name) is { } problem)
                throw new UsageException($"{source}: entry name '{IO.SafeName.Cut(e.Name ?? "")}' cannot be a directory name: {problem}. Entry names become directories under --out; {IO.SafeName.Rule}.");
        var dup = Entries.GroupBy(e => IO.SafeName.Key(e.Name)).FirstOrDefault(g => g.Count() > 1);
        if (dup != null)
        {
            var names = dup.Select(e => $"'{e.Name}'").Distinct().ToList();
            throw new UsageException(names.Count == 1
                ? $"{source}: two entries are named {names[0]}; entry names must be unique."
                : $"{source}: entries {string.Join(" and ", names)} differ only in letter case and would share a directory on case-insensitive file systems; rename one.");
        }
    }

    /// <summary>The name of the baseline entry.</summary>
    public string BaselineName => Baseline ?? Entries[0].Name;

    /// <summary>The run configuration of one cell.</summary>
    public RunConfig CellConfig(ExperimentEntry entry, long seed)
    {
        var root = Base?.DeepClone().AsObject() ?? new JsonObject();
        var options = entry.Options?.DeepClone().AsObject() ?? new JsonObject();
        if (entry.Policy != null) options["policy"] = entry.Policy;
        root[entry.Method] = options;
        var c = ConfigFile.Parse(root.ToJsonString(), MethodRegistry.Names, $"base/options of entry '{entry.Name}'");
        return c with { Method = entry.Method, Model = Model, Epochs = Epochs, Seed = seed, Data = c.Data with { Dataset = Dataset } };
    }
}

/// <summary>One compared entry.</summary>
/// <param name="Name">Label in tables and plots (unique).</param>
/// <param name="Method">Training method.</param>
/// <param name="Options">The method's options section.</param>
/// <param name="Policy">RL-Mix policy shorthand: <c>random</c>, <c>fixed:Q</c>, <c>learned:DIR</c> or <c>online</c> (sets options.policy).</param>
public sealed record ExperimentEntry(string Name, string Method, JsonObject? Options = null, string? Policy = null);

using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Envs.Spaces;

/// <summary>
/// A dictionary of named tensor spaces (Gymnasium's <c>Dict</c>), keys in ordinal order. The
/// official RL-Mix observation is <c>Dict(saliency: Box(0, 1, (B, 8, 8)), logits: Box(-inf, inf, (B, N)))</c>.
/// </summary>
public sealed class DictSpace : Space<IReadOnlyDictionary<string, Tensor>>
{
    readonly SortedDictionary<string, Space<Tensor>> spaces;

    /// <summary>Creates the space from its named parts.</summary>
    public DictSpace(IEnumerable<KeyValuePair<string, Space<Tensor>>> spaces)
    {
        this.spaces = new SortedDictionary<string, Space<Tensor>>(StringComparer.Ordinal);
        foreach (var (key, space) in spaces) this.spaces.Add(key, space);
        if (this.spaces.Count == 0) throw new ArgumentException("DictSpace needs at least one entry.", nameof(spaces));
    }

    /// <summary>The named parts, keys in ordinal order.</summary>
    public IReadOnlyDictionary<string, Space<Tensor>> Spaces => spaces;

    /// <summary>The part named <paramref name="key"/>.</summary>
    public Space<Tensor> this[string key] => spaces[key];

    /// <inheritdoc />
    public override IReadOnlyList<long> Shape => [];

    /// <summary>Seeds every part with a seed derived from <paramref name="seed"/> and the part's position.</summary>
    public override void Seed(long seed)
    {
        base.Seed(seed);
        var i = 0L;
        foreach (var space in spaces.Values) space.Seed(unchecked(seed * 1_000_003 + ++i));
    }

    /// <summary>Samples every part, in key order, with <paramref name="generator"/>.</summary>
    public override IReadOnlyDictionary<string, Tensor> Sample(Generator generator) =>
        spaces.ToDictionary(kv => kv.Key, kv => kv.Value.Sample(generator), StringComparer.Ordinal);

    /// <inheritdoc />
    public override bool Contains(IReadOnlyDictionary<string, Tensor> value) =>
        value.Count == spaces.Count && spaces.All(kv => value.TryGetValue(kv.Key, out var t) && kv.Value.Contains(t));

    /// <inheritdoc />
    public override string ToString() => "Dict(" + string.Join(", ", spaces.Select(kv => $"'{kv.Key}': {kv.Value}")) + ")";
}

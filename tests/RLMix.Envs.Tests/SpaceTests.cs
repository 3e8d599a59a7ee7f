using RLMix.Envs.Spaces;
using static TorchSharp.torch;

namespace RLMix.Envs.Tests;

public sealed class SpaceTests
{
    [Fact]
    public void Box_Samples_StayInsideFiniteBounds_AndAreContained()
    {
        var box = new Box(-2f, 3f, 4, 5);
        box.Seed(7);
        for (var i = 0; i < 20; i++)
        {
            using var x = box.Sample();
            Assert.Equal(new long[] { 4, 5 }, x.shape);
            Assert.True(x.min().item<float>() >= -2f && x.max().item<float>() <= 3f);
            Assert.True(box.Contains(x));
        }
    }

    [Fact]
    public void Box_WithInfiniteBounds_SamplesHalfBoundedSidesCorrectly()
    {
        using var low = tensor(new[] { 0f, float.NegativeInfinity, float.NegativeInfinity });
        using var high = tensor(new[] { float.PositiveInfinity, 5f, float.PositiveInfinity });
        var box = new Box(low, high);
        box.Seed(1);
        for (var i = 0; i < 50; i++)
        {
            using var x = box.Sample();
            var v = x.data<float>().ToArray();
            Assert.True(v[0] >= 0f);
            Assert.True(v[1] <= 5f);
            Assert.True(float.IsFinite(v[2]));
            Assert.True(box.Contains(x));
        }
    }

    [Fact]
    public void Box_Contains_RejectsWrongShapeDtypeOutOfBoundsAndNaN()
    {
        var box = new Box(0f, 1f, 2);
        using var inside = tensor(new[] { 0f, 1f });
        using var outside = tensor(new[] { 0.5f, 1.01f });
        using var wrongShape = tensor(new[] { 0.5f, 0.5f, 0.5f });
        using var wrongDtype = tensor(new[] { 0.5, 0.5 });
        using var nan = tensor(new[] { float.NaN, 0.5f });
        Assert.True(box.Contains(inside));
        Assert.False(box.Contains(outside));
        Assert.False(box.Contains(wrongShape));
        Assert.False(box.Contains(wrongDtype));
        Assert.False(box.Contains(nan));
    }

    [Fact]
    public void Spaces_SameSeed_GiveSameSamples_DifferentSeeds_Differ()
    {
        var a = new MultiDiscrete(Enumerable.Repeat(10L, 50).ToArray());
        var b = new MultiDiscrete(Enumerable.Repeat(10L, 50).ToArray());
        a.Seed(42);
        b.Seed(42);
        using var x = a.Sample();
        using var y = b.Sample();
        Assert.Equal(x.data<long>().ToArray(), y.data<long>().ToArray());
        b.Seed(43);
        using var z = b.Sample();
        Assert.NotEqual(x.data<long>().ToArray(), z.data<long>().ToArray());
    }

    [Fact]
    public void MultiDiscrete_Samples_CoverEveryValueAndStayBelowNvec()
    {
        var space = new MultiDiscrete(3, 1, 5);
        space.Seed(3);
        var seen = new HashSet<long>[3] { [], [], [] };
        for (var i = 0; i < 200; i++)
        {
            using var x = space.Sample();
            Assert.True(space.Contains(x));
            var v = x.data<long>().ToArray();
            for (var j = 0; j < 3; j++) seen[j].Add(v[j]);
        }
        Assert.Equal(new long[] { 0, 1, 2 }, seen[0].Order());
        Assert.Equal(new long[] { 0 }, seen[1].Order());
        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, seen[2].Order());
    }

    [Fact]
    public void MultiDiscrete_Contains_RejectsOutOfRangeFloatAndWrongLength()
    {
        var space = new MultiDiscrete(3, 3);
        using var ok = tensor(new long[] { 2, 0 });
        using var high = tensor(new long[] { 3, 0 });
        using var negative = tensor(new long[] { -1, 0 });
        using var floats = tensor(new[] { 1f, 1f });
        using var longer = tensor(new long[] { 1, 1, 1 });
        Assert.True(space.Contains(ok));
        Assert.False(space.Contains(high));
        Assert.False(space.Contains(negative));
        Assert.False(space.Contains(floats));
        Assert.False(space.Contains(longer));
    }

    [Fact]
    public void Discrete_SamplesWithStart_AndContains()
    {
        var space = new Discrete(4, start: 2);
        space.Seed(0);
        for (var i = 0; i < 50; i++)
        {
            using var x = space.Sample();
            var v = x.item<long>();
            Assert.InRange(v, 2, 5);
            Assert.True(space.Contains(x));
        }
        using var one = tensor(1L);
        using var six = tensor(6L);
        using var vector = tensor(new long[] { 3 });
        Assert.False(space.Contains(one));
        Assert.False(space.Contains(six));
        Assert.False(space.Contains(vector));
    }

    [Fact]
    public void DictSpace_SamplesEveryKey_ContainsChecksEachPart()
    {
        var space = new DictSpace(new Dictionary<string, Space<Tensor>>
        {
            ["saliency"] = new Box(0f, 1f, 2, 8, 8),
            ["logits"] = new Box(float.NegativeInfinity, float.PositiveInfinity, 2, 10),
        });
        space.Seed(5);
        var sample = space.Sample();
        Assert.Equal(new[] { "logits", "saliency" }, sample.Keys.Order(StringComparer.Ordinal));
        Assert.True(space.Contains(sample));
        var missing = new Dictionary<string, Tensor> { ["saliency"] = sample["saliency"] };
        Assert.False(space.Contains(missing));
        using var bad = full(2, 8, 8, 2f);
        var outOfBounds = new Dictionary<string, Tensor> { ["saliency"] = bad, ["logits"] = sample["logits"] };
        Assert.False(space.Contains(outOfBounds));
        foreach (var t in sample.Values) t.Dispose();
    }

    [Fact]
    public void Spaces_DescribeThemselves()
    {
        Assert.Equal("Box(0.0, 1.0, (8, 8), float32)", new Box(0f, 1f, 8, 8).ToString());
        Assert.Equal("Discrete(10)", new Discrete(10).ToString());
        Assert.Equal("MultiDiscrete([3, 4])", new MultiDiscrete(3, 4).ToString());
        Assert.Equal("MultiDiscrete([10] * 100)", new MultiDiscrete(Enumerable.Repeat(10L, 100).ToArray()).ToString());
        var dict = new DictSpace(new Dictionary<string, Space<Tensor>> { ["b"] = new Discrete(2), ["a"] = new Box(-1f, float.PositiveInfinity, 3) });
        Assert.Equal("Dict('a': Box(-1.0, inf, (3,), float32), 'b': Discrete(2))", dict.ToString());
    }
}

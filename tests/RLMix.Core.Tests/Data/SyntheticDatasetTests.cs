using RLMix.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Data;

public sealed class SyntheticDatasetTests
{
    [Fact]
    public void SameSeed_SameTensors_OtherSeed_OtherTensors()
    {
        using var scope = NewDisposeScope();
        var a = Track(SyntheticDataset.Create(40, 20, seed: 7), scope);
        var b = Track(SyntheticDataset.Create(40, 20, seed: 7), scope);
        var c = Track(SyntheticDataset.Create(40, 20, seed: 8), scope);

        Assert.True(TensorAssert.Same(a.Train.Images, b.Train.Images));
        Assert.True(TensorAssert.Same(a.Test.Labels, b.Test.Labels));
        Assert.False(TensorAssert.Same(a.Train.Images, c.Train.Images));
        Assert.False(TensorAssert.Same(a.Train.Images.narrow(0, 0, 20), a.Test.Images)); // the splits draw independent noise
    }

    [Fact]
    public void Defaults_AreBalanced3x32x32InUnitRange()
    {
        using var scope = NewDisposeScope();
        var s = Track(SyntheticDataset.Create(seed: 0), scope);
        Assert.Equal(new long[] { 2000, 3, 32, 32 }, s.Train.Images.shape);
        Assert.Equal(500, s.Test.Count);
        Assert.All(DatasetCatalogTests.ClassCounts(s.Train), n => Assert.Equal(200, n));
        Assert.True(s.Train.Images.min().item<float>() >= 0f);
        Assert.True(s.Train.Images.max().item<float>() <= 1f);
    }

    /// <summary>Learnable: the nearest class prototype already classifies the noisy test images almost always.</summary>
    [Fact]
    public void NearestPrototype_ClassifiesTheTestSet()
    {
        using var scope = NewDisposeScope();
        var s = Track(SyntheticDataset.Create(10, 500, seed: 3), scope);
        var prototypes = SyntheticDataset.Prototypes().view(10, -1);
        var distances = cdist(s.Test.Images.view(500, -1), prototypes);
        double accuracy = distances.argmin(1).eq(s.Test.Labels).to_type(ScalarType.Float32).mean().item<float>();
        Assert.True(accuracy > 0.95, $"nearest-prototype accuracy {accuracy}");
    }

    private static DataSplits Track(DataSplits s, DisposeScope scope)
    {
        scope.Attach(s.Train.Images, s.Train.Labels, s.Test.Images, s.Test.Labels);
        return s;
    }
}

using RLMix.Errors;
using RLMix.Mixing;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Mixing;

public sealed class SaliencyTests
{
    [Fact]
    public void Compute_EqualsFiniteDifferenceSaliency()
    {
        using var scope = NewDisposeScope();
        const int b = 2, c = 3, side = 4, k = 3;
        using var model = TinyClassifier.Create(c, k, side, seed: 1, ScalarType.Float64);
        var gen = new Generator(5);
        var x = randn([b, c, side, side], dtype: ScalarType.Float64, generator: gen);
        var labels = tensor(new long[] { 0, 2 });

        var (phi, logits) = Saliency.Compute(model, x, labels);

        // Independent input gradient by central differences of the same loss, mean_b 2 CE / N.
        double Loss(double[] flat)
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            var input = tensor(flat, dtype: ScalarType.Float64).reshape(b, c, side, side);
            return (nn.functional.cross_entropy(model.forward(input), labels) * (2.0 / k)).item<double>();
        }
        var x0 = x.data<double>().ToArray();
        var grad = new double[x0.Length];
        const double h = 1e-6;
        for (int i = 0; i < x0.Length; i++)
        {
            var plus = (double[])x0.Clone(); plus[i] += h;
            var minus = (double[])x0.Clone(); minus[i] -= h;
            grad[i] = (Loss(plus) - Loss(minus)) / (2 * h);
        }
        var phiValues = phi.data<double>().ToArray();
        Assert.Equal(new long[] { b, side, side }, phi.shape);
        Assert.Equal(new long[] { b, k }, logits.shape);
        for (int n = 0; n < b; n++)
            for (int pix = 0; pix < side * side; pix++)
            {
                double sumSq = 0;
                for (int ch = 0; ch < c; ch++)
                    sumSq += Math.Pow(grad[(n * c + ch) * side * side + pix], 2);
                Assert.Equal(Math.Sqrt(sumSq / c), phiValues[n * side * side + pix], 7);
            }
        Assert.False(phi.requires_grad);
        Assert.False(logits.requires_grad);
    }

    [Fact]
    public void Compute_LeavesParameterGradientsUntouched()
    {
        using var scope = NewDisposeScope();
        using var model = TinyClassifier.Create(1, 3, 4, seed: 2);
        var gen = new Generator(3);
        var x = randn([4, 1, 4, 4], generator: gen);
        var labels = tensor(new long[] { 0, 1, 2, 0 });

        Saliency.Compute(model, x, labels);
        Assert.All(model.parameters(), p => Assert.True(p.grad is null));

        nn.functional.cross_entropy(model.forward(x), labels).backward();
        var before = model.parameters().Select(p => p.grad!.clone()).ToArray();
        Saliency.Compute(model, x, labels);
        var after = model.parameters().Select(p => p.grad!).ToArray();
        for (int i = 0; i < before.Length; i++)
            Assert.True(before[i].allclose(after[i], 0, 0), $"parameter {i}'s gradient changed");
        Assert.False(x.requires_grad);
    }

    [Fact]
    public void FromInputGradient_IsRootMeanSquareOverChannels()
    {
        using var scope = NewDisposeScope();
        // One image, 3 channels, 1x2 pixels: gradients (1, 2, 2) and (0, -3, 0).
        var g = tensor(new float[] { 1, 0, 2, -3, 2, 0 }).reshape(1, 3, 1, 2);
        var phi = Saliency.FromInputGradient(g).data<float>().ToArray();
        Assert.Equal(Math.Sqrt(3.0), phi[0], 5);
        Assert.Equal(Math.Sqrt(3.0), phi[1], 5);
    }

    [Fact]
    public void PoolAndNormalize_AveragesBlocksAndSumsToOne()
    {
        using var scope = NewDisposeScope();
        // 4x4 map, p = 2: block means 1, 2, 3, 4 (top-left, top-right, bottom-left, bottom-right).
        var s = tensor(new float[] {
            0, 2,  2, 2,
            1, 1,  2, 2,
            3, 3,  8, 0,
            3, 3,  4, 4 }).reshape(1, 4, 4);
        var pooled = Saliency.PoolAndNormalize(s, 2);
        Assert.Equal(new long[] { 1, 2, 2 }, pooled.shape);
        Assert.Equal(new[] { 0.1f, 0.2f, 0.3f, 0.4f }, pooled.data<float>().ToArray(), (a, e) => Math.Abs(a - e) < 1e-6);
    }

    [Fact]
    public void PoolAndNormalize_ZeroMapBecomesUniform()
    {
        using var scope = NewDisposeScope();
        var pooled = Saliency.PoolAndNormalize(zeros(1, 4, 4), 2).data<float>().ToArray();
        Assert.All(pooled, v => Assert.Equal(0.25f, v));
    }

    [Fact]
    public void PoolAndNormalize_GridNotDividingSide_IsUsageError()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<UsageException>(() => Saliency.PoolAndNormalize(ones(1, 6, 6), 4));
        Assert.Contains("p = 4", e.Message);
    }
}

using RLMix.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Mixing;

/// <summary>A tiny conv + linear classifier for the mixers' and methods' tests.</summary>
sealed class TinyClassifier : ClassifierModel
{
    readonly Conv2d conv;
    readonly Linear fc;
    readonly int numClasses;

    public TinyClassifier(int inChannels, int numClasses, int side, int features = 4) : base(nameof(TinyClassifier))
    {
        this.numClasses = numClasses;
        conv = nn.Conv2d(inChannels, features, 3, padding: 1);
        fc = nn.Linear(features * (side / 2) * (side / 2), numClasses);
        FeatureDim = features * (side / 2) * (side / 2);
        RegisterComponents();
    }

    public override int FeatureDim { get; }

    public override int NumClasses => numClasses;

    public override Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        return nn.functional.avg_pool2d(nn.functional.tanh(conv.forward(input)), 2).flatten(1).MoveToOuterDisposeScope();
    }

    public override Tensor Classify(Tensor features) => fc.forward(features);

    /// <summary>A seeded model (PyTorch's default initialization drawn from its own generator, not the global one that parallel tests share).</summary>
    public static TinyClassifier Create(int inChannels, int numClasses, int side, long seed, ScalarType dtype = ScalarType.Float32)
    {
        var model = new TinyClassifier(inChannels, numClasses, side);
        using (var generator = new Generator((ulong)seed))
            RLMix.Models.DefaultInit.Apply(model, generator);
        model.to(dtype);
        return model;
    }
}

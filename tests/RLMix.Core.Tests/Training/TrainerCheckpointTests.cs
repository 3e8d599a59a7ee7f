using RLMix.Core.Tests.Models;
using RLMix.Errors;
using RLMix.Models;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Core.Tests.Training;

public sealed class TrainerCheckpointTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("rlmix-trainer-ckpt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static float Step(Trainer trainer, Generator data)
    {
        using var scope = NewDisposeScope();
        var x = randn(4, 1, 8, 8, generator: data);
        var y = softmax(randn(4, 3, generator: data) * 3, 1);
        return trainer.Step(x, y).Loss.item<float>();
    }

    [Theory]
    [InlineData(LrSchedule.Onecycle, TrainingLoss.SoftCe)]
    [InlineData(LrSchedule.Multistep, TrainingLoss.Bce)]
    public void ResumedTrainer_IsBitIdenticalToAnUninterruptedOne(LrSchedule schedule, TrainingLoss loss)
    {
        var options = new TrainerOptions { Schedule = schedule, Loss = loss, MaxLr = 0.2, Milestones = [1] };
        using var reference = new SmallCnn(1, 3);
        using var refTrainer = new Trainer(reference, options, stepsPerEpoch: 3, epochs: 2);
        using var initialState = new MemoryStream();
        reference.save(new BinaryWriter(initialState));

        var refData = new Generator(7);
        var refLosses = Enumerable.Range(0, 6).Select(_ => Step(refTrainer, refData)).ToArray();

        // Interrupted run: same initial weights, 4 steps, checkpoint (trainer, step, data generator), stop.
        using (var first = new SmallCnn(1, 3))
        {
            initialState.Position = 0;
            first.load(new BinaryReader(initialState));
            using var trainer = new Trainer(first, options, stepsPerEpoch: 3, epochs: 2);
            var data = new Generator(7);
            for (var i = 0; i < 4; i++) Assert.Equal(refLosses[i], Step(trainer, data));
            var sections = new CheckpointSections()
                .Add("trainer", trainer.Save)
                .Add("run", w => w.Write(trainer.GlobalStep))
                .AddGenerator("rng/data", data);
            CheckpointFile.Save(dir, sections);
        }

        // Resumed run: a differently initialized model, everything restored from the file.
        using var resumed = new SmallCnn(1, 3);
        using var resumedTrainer = new Trainer(resumed, options, stepsPerEpoch: 3, epochs: 2);
        var loaded = CheckpointFile.TryLoadLatest(dir)!;
        Assert.False(loaded.UsedPrevious);
        using (var r = loaded.Sections.Open("trainer")) resumedTrainer.Load(r);
        using (var r = loaded.Sections.Open("run")) Assert.Equal(4L, r.ReadInt64());
        var resumedData = new Generator(12345);
        loaded.Sections.RestoreGenerator("rng/data", resumedData);
        Assert.Equal(4, resumedTrainer.GlobalStep);

        for (var i = 4; i < 6; i++) Assert.Equal(refLosses[i], Step(resumedTrainer, resumedData));

        var expected = reference.state_dict();
        var actual = resumed.state_dict();
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var key in expected.Keys) Assert.True(expected[key].Equals(actual[key]), key);
        Assert.Equal(refTrainer.CurrentLr, resumedTrainer.CurrentLr);
    }

    [Fact]
    public void LoadingAnotherModelsState_IsAUsageError()
    {
        using var small = new SmallCnn(1, 3);
        using var trainer = new Trainer(small, new TrainerOptions(), 3, 1);
        using var stream = new MemoryStream();
        trainer.Save(new BinaryWriter(stream));

        using var other = new TinyLinearModel(4, 3);
        using var otherTrainer = new Trainer(other, new TrainerOptions(), 3, 1);
        stream.Position = 0;
        var e = Assert.Throws<UsageException>(() => otherTrainer.Load(new BinaryReader(stream)));
        Assert.Contains("parameter tensors", e.Message);
    }

    [Fact]
    public void LoadingAModelWithOtherShapes_IsAUsageError()
    {
        using var threeClasses = new SmallCnn(1, 3);
        using var trainer = new Trainer(threeClasses, new TrainerOptions(), 3, 1);
        using var stream = new MemoryStream();
        trainer.Save(new BinaryWriter(stream));

        using var fourClasses = new SmallCnn(1, 4);
        using var otherTrainer = new Trainer(fourClasses, new TrainerOptions(), 3, 1);
        stream.Position = 0;
        var e = Assert.Throws<UsageException>(() => otherTrainer.Load(new BinaryReader(stream)));
        Assert.Contains("another model", e.Message);
    }

    [Fact]
    public void LoadingStateOfAnotherRunLength_IsAUsageError()
    {
        using var model = new TinyLinearModel(4, 3);
        using var trainer = new Trainer(model, new TrainerOptions(), 3, 2);
        using var stream = new MemoryStream();
        trainer.Save(new BinaryWriter(stream));
        using var longer = new Trainer(model, new TrainerOptions(), 3, 5);
        stream.Position = 0;
        var e = Assert.Throws<UsageException>(() => longer.Load(new BinaryReader(stream)));
        Assert.Contains("2 epochs x 3 steps", e.Message);
    }
}

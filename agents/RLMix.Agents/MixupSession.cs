using RLMix.Configuration;
using RLMix.Data;
using RLMix.Envs.Mixup;
using RLMix.Envs.Rewards;
using RLMix.Models;
using RLMix.Training;
using TorchSharp;

namespace RLMix.Agents;

/// <summary>
/// A fresh classifier, its trainer and its data wrapped as a <see cref="MixupEnv"/> of
/// a number of epochs (episodes): the environment <c>rlmix agent train</c> and
/// <c>rlmix agent eval</c> act in. Same config and seed, same classifier initialization, data order
/// and env draws, so policies evaluated in separate sessions face the same conditions.
/// </summary>
public sealed class MixupSession : IDisposable
{
    readonly ClassifierModel model;
    readonly Trainer trainer;

    MixupSession(ClassifierModel model, Trainer trainer, MixupEnv env, int stepsPerEpisode)
    {
        this.model = model;
        this.trainer = trainer;
        Env = env;
        StepsPerEpisode = stepsPerEpisode;
    }

    /// <summary>The environment (flat observation <c>[B, G*G + N]</c>, see <see cref="MixupEnv.Layout"/>).</summary>
    public MixupEnv Env { get; }

    /// <summary>Steps (batches) per episode.</summary>
    public int StepsPerEpisode { get; }

    /// <summary>Builds the session; <paramref name="maxBatches"/> caps an episode's length (quick runs).</summary>
    public static MixupSession Create(RunConfig config, RLMixOptions rl, int episodes, int? maxBatches = null, IRewardFunction? reward = null)
    {
        config.ValidateSettings();
        var device = torch.device(config.Device);
        var splits = DatasetCatalog.Load(config.Data, Seeds.Derive(config.Seed, "data"));
        var loader = DataLoader.ForTraining(splits.Train, config.Data, Seeds.Derive(config.Seed, "data"), device);
        var model = ModelFactory.Create(config.Model, (int)loader.ImageShape[0], splits.Train.NumClasses, Seeds.Derive(config.Seed, "model"), config.MemoryFormat);
        model.to(device);
        int steps = Math.Min(maxBatches ?? int.MaxValue, loader.BatchesPerEpoch);
        var trainer = new Trainer(model, config.Trainer, steps, episodes);
        reward ??= rl.RewardFunction();
        var env = new MixupEnv(new TrainerMixupBackend(trainer, rl.RMix.Loss), epoch => loader.Epoch(epoch), splits.Train.NumClasses, config.Data.BatchSize,
            reward, rl.Env(totalEpochs: episodes, maxBatches: maxBatches), Seeds.Derive(config.Seed, "env"), loader.BatchesPerEpoch);
        return new MixupSession(model, trainer, env, steps);
    }

    /// <summary>
    /// Writes the classifier's weights (its state dict: parameters and batch-norm statistics) so that
    /// another session built with the same model can start from them (<see cref="LoadClassifierWeights"/>).
    /// </summary>
    public void SaveClassifierWeights(BinaryWriter writer) => model.save(writer);

    /// <summary>
    /// A warm start: replaces the fresh classifier's weights with ones that <see cref="SaveClassifierWeights"/>
    /// wrote, e.g. from a session with a larger batch that has trained for a while, so that the logits
    /// and saliency maps the agent observes are informative from the first step. Only the weights are
    /// taken; this session's optimizer and learning-rate schedule start fresh, and the batch size and
    /// data may differ. Call it before the env's first reset (the first observation is computed there).
    /// </summary>
    /// <exception cref="Errors.UsageException">The weights do not fit this session's model.</exception>
    /// <exception cref="InvalidOperationException">The classifier has already taken a training step.</exception>
    public void LoadClassifierWeights(BinaryReader reader)
    {
        if (trainer.GlobalStep > 0) throw new InvalidOperationException("Load the classifier's weights before the session's first step (a warm start).");
        try
        {
            model.load(reader, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new Errors.UsageException($"The classifier weights do not fit this session's model ({e.Message.TrimEnd('.')}); save them from a session with the same model and data set.", e);
        }
    }

    /// <summary>Writes the classifier's training state (model, optimizer, schedule) and the env's state.</summary>
    public void SaveState(BinaryWriter writer)
    {
        trainer.Save(writer);
        Env.SaveState(writer);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote into a session built with the same config.</summary>
    public void LoadState(BinaryReader reader)
    {
        trainer.Load(reader);
        Env.LoadState(reader);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Env.Dispose();
        trainer.Dispose();
        model.Dispose();
    }
}

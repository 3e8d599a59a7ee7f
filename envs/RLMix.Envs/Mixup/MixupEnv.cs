using RLMix.Data;
using RLMix.Envs.Rewards;
using RLMix.Envs.Spaces;
using RLMix.Errors;
using RLMix.Mixing;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace RLMix.Envs.Mixup;

/// <summary>
/// RL-Mix's environment (paper section 5.2; the official <c>VanillaMixupPatchDiscrete</c>): one
/// episode is one epoch of classifier training, one step is one training batch.
/// <para>
/// <b>Observation</b> for batch t, <c>[B, G*G + N]</c> float32: each image's saliency phi(x)
/// average-pooled to the G x G grid (<see cref="Layout"/>; G = 8 by default, kernel H/G) and normalized to sum 1, flattened, then its
/// N clean logits; both from the one clean forward/backward pass that R-Mix needs anyway.
/// (<see cref="DictObservationEnv"/> gives the official Dict {saliency, logits} form.)
/// <b>Action</b>: <c>MultiDiscrete([K] * B)</c>, each an index into <see cref="RMixOptions.TopK"/>
/// (K = 10 by default, linspace(0, 0.99)).
/// <b>Step</b>: R-Mix of the current batch with each image's q (p, lambda ~ Beta(alpha, alpha) and the
/// permutation drawn by <see cref="RMixSampler"/> from the env's seeded generator, in R-Mix's order),
/// one training step whose input gradient gives phi(x'), the reward, then the next batch's clean pass
/// as the next observation. q acts on the drawn p x p mixing grid (2x2 or 4x4), not on the G x G
/// grid the agent observes, as in the official code.
/// </para>
/// <para>
/// <b>Episode ends.</b> The classifier keeps training in the next epoch, so an epoch's end is a time
/// limit, not a terminal state: the env reports <c>truncated</c>, and the final observation it returns
/// is the clean pass of the next epoch's first batch (the state training actually continues from;
/// the following <see cref="Reset"/> returns it again without another pass), so an agent can
/// bootstrap its value. Only the run's last epoch (<see cref="MixupEnvOptions.TotalEpochs"/>) reports
/// <c>terminated</c> (final observation all zeros). With <see cref="MixupEnvOptions.TerminalAtEpochEnd"/>
/// (the <c>paper</c> preset) every epoch end is <c>terminated</c>, as the official code's <c>done=True</c>.
/// </para>
/// <para>
/// Batches: the env takes ownership of every <see cref="Batch"/> the source yields and disposes it
/// after use; a batch smaller than B (an epoch's remainder) is skipped, as the official loader's
/// <c>drop_last=True</c>. Reset without any step since the last reset returns the same observation
/// (the epoch has not started); reset in the middle of an episode abandons the rest of that epoch.
/// </para>
/// <para>Info keys: <c>epoch</c>, <c>batch</c> (0-based in the episode), <c>loss</c>, <c>lambda</c>,
/// <c>p</c>, <c>q</c> (<c>[B]</c>), and <c>rewards</c> (<c>[B]</c>) when the reward is per image.</para>
/// </summary>
public sealed partial class MixupEnv : IEnv<Tensor, Tensor>, IObservationLayoutEnv
{
    readonly IMixupBackend backend;
    readonly Func<int, IEnumerable<Batch>> batchSource;
    readonly IRewardFunction reward;
    readonly MixupEnvOptions options;
    readonly EpisodeGuard guard = new(nameof(MixupEnv));
    readonly Box observationSpace;
    readonly MultiDiscrete actionSpace;
    readonly RMixSampler sampler;
    readonly List<Tensor> stepOutputs = [];
    Generator generator;

    int epoch;                 // 1-based epoch of the current episode; 0 before the first reset
    int stepsInEpisode;
    bool runFinished;
    EpochCursor? current;      // the current batch and its clean pass
    EpochCursor? pending;      // the next epoch's first batch, computed at an epoch end
    Tensor? zerosObservation;

    /// <summary>Creates the env.</summary>
    /// <param name="backend">The classifier side (<see cref="TrainerMixupBackend"/> in real runs).</param>
    /// <param name="batchSource">The batches of a 1-based epoch, in training order (the data loader).</param>
    /// <param name="numClasses">N, the classifier's number of classes.</param>
    /// <param name="batchSize">B; the action and observation spaces are declared for it.</param>
    /// <param name="reward">The reward (default <see cref="GradCosineReward"/>).</param>
    /// <param name="options">Settings (default: the paper's, with truncation at epoch ends).</param>
    /// <param name="seed">Seed of the env's generator (lambda, permutation, p).</param>
    /// <param name="batchesPerEpoch">Full batches per epoch when known (for <see cref="StepsPerEpisode"/>).</param>
    public MixupEnv(IMixupBackend backend, Func<int, IEnumerable<Batch>> batchSource, int numClasses, int batchSize,
        IRewardFunction? reward = null, MixupEnvOptions? options = null, long seed = 0, int? batchesPerEpoch = null)
    {
        this.options = options ?? new MixupEnvOptions();
        this.options.Validate();
        if (numClasses < 1) throw new UsageException($"MixupEnv needs at least one class (got {numClasses}).");
        if (batchSize < 1) throw new UsageException($"MixupEnv needs a batch size >= 1 (got {batchSize}).");
        this.backend = backend;
        this.batchSource = batchSource;
        this.reward = reward ?? new GradCosineReward();
        NumClasses = numClasses;
        BatchSize = batchSize;
        generator = new Generator(unchecked((ulong)seed));

        Layout = new ObservationLayout(this.options.ObservationGrid, numClasses);
        observationSpace = Layout.FlatSpace(batchSize);
        sampler = new RMixSampler(this.options.RMix, "MixupEnv rmix");
        actionSpace = new MultiDiscrete(Enumerable.Repeat((long)sampler.K, batchSize).ToArray());
        StepsPerEpisode = (this.options.MaxBatches, batchesPerEpoch) switch
        {
            (int m, int e) => Math.Min(m, e),
            (int m, null) => m,
            (null, int e) => e,
            _ => null,
        };
    }

    /// <inheritdoc />
    public Space<Tensor> ObservationSpace => observationSpace;

    /// <inheritdoc />
    public Space<Tensor> ActionSpace => actionSpace;

    /// <summary>N, the number of classes.</summary>
    public int NumClasses { get; }

    /// <summary>B, the batch size.</summary>
    public int BatchSize { get; }

    /// <summary>Side of the observed saliency grid.</summary>
    public int ObservationGrid => options.ObservationGrid;

    /// <inheritdoc />
    public ObservationLayout Layout { get; }

    /// <summary>R-Mix's sampler: the options, the top-k values q of the actions, the draw order.</summary>
    public RMixSampler Sampler => sampler;

    /// <summary>The reward function.</summary>
    public IRewardFunction Reward => reward;

    /// <summary>Steps per episode when known (max batches, or batches per epoch), else null.</summary>
    public int? StepsPerEpisode { get; }

    /// <summary>The 1-based epoch of the current episode (0 before the first reset).</summary>
    public int Epoch => epoch;

    /// <inheritdoc />
    public ResetOutcome<Tensor> Reset(int? seed = null)
    {
        if (runFinished)
            throw new InvalidOperationException($"MixupEnv: all {options.TotalEpochs} epochs of this run are done (the last episode terminated). Create a new env and trainer to train again.");
        if (seed is int s)
        {
            generator.Dispose();
            generator = new Generator(unchecked((ulong)s));
        }
        DisposeStepOutputs();

        if (epoch == 0)
        {
            current = StartEpoch(1);
            epoch = 1;
        }
        else if (pending is not null)
        {
            current?.Dispose();
            current = pending;
            pending = null;
            epoch++;
        }
        else if (stepsInEpisode > 0)
        {
            // Reset in the middle of an episode: the rest of this epoch is abandoned.
            if (epoch == options.TotalEpochs)
                throw new InvalidOperationException($"MixupEnv: reset during the run's last epoch ({epoch}); no epoch is left to start.");
            current?.Dispose();
            current = StartEpoch(epoch + 1);
            epoch++;
        }
        // else: no step since the last reset; the same epoch and observation stand.

        stepsInEpisode = 0;
        guard.OnReset();
        return new ResetOutcome<Tensor>(current!.Observation, new Dictionary<string, object> { ["epoch"] = epoch });
    }

    /// <inheritdoc />
    public StepOutcome<Tensor> Step(Tensor action)
    {
        guard.BeforeStep();
        ValidateAction(action);
        DisposeStepOutputs();
        var cursor = current!;
        var batch = cursor.Batch!;
        double rewardValue, loss, lambda;
        int p;
        Tensor q;
        Tensor? perImage = null;

        using (var scope = NewDisposeScope())
        {
            var draw = sampler.Draw(BatchSize, generator, batch.Inputs.device, actions: action);
            (lambda, p) = (draw.Lambda, draw.P);
            var result = RLMixStep.Run(backend, batch, cursor.Saliency, cursor.Logits, draw, reward, Layout);
            var r = result.Reward;
            var scalars = stack([r.to(float64).mean(), result.Step.Loss.detach().to(float64)]).cpu().data<double>().ToArray();
            rewardValue = scalars[0];
            loss = scalars[1];
            if (r.dim() == 1 && r.shape[0] == BatchSize)
                perImage = Keep(r.detach().to(float32));
            q = Keep(result.Q.clone());
        }

        stepsInEpisode++;
        var batchInEpisode = stepsInEpisode - 1;
        var atLimit = options.MaxBatches is int max && stepsInEpisode >= max;
        if (atLimit) cursor.Close();       // no clean pass for a batch this episode will not use
        else cursor.Advance(this);
        var ended = atLimit || cursor.Batch is null;
        var terminated = false;
        var truncated = false;
        Tensor observation;
        if (!ended)
        {
            observation = cursor.Observation;
        }
        else
        {
            var lastEpoch = epoch == options.TotalEpochs;
            terminated = lastEpoch || options.TerminalAtEpochEnd;
            truncated = !terminated;
            if (lastEpoch)
            {
                runFinished = true;
                zerosObservation ??= zeros(BatchSize, observationSpace.Shape[1]).DetachFromDisposeScope();
                observation = zerosObservation;
            }
            else
            {
                pending = StartEpoch(epoch + 1);
                observation = pending.Observation;
            }
        }
        guard.AfterStep(terminated, truncated);

        var info = new Dictionary<string, object>
        {
            ["epoch"] = epoch,
            ["batch"] = batchInEpisode,
            ["loss"] = loss,
            ["lambda"] = lambda,
            ["p"] = p,
            ["q"] = q,
        };
        if (perImage is not null) info["rewards"] = perImage;
        return new StepOutcome<Tensor>(observation, rewardValue, terminated, truncated, info);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DisposeStepOutputs();
        current?.Dispose();
        pending?.Dispose();
        zerosObservation?.Dispose();
        generator.Dispose();
    }

    void ValidateAction(Tensor action)
    {
        if (!actionSpace.Contains(action))
            throw new ArgumentException($"MixupEnv: the action must be an integer tensor of shape ({BatchSize}) with entries in [0, {sampler.K - 1}] (got {action.dtype} of shape ({string.Join(", ", action.shape)}), or entries out of range).", nameof(action));
    }

    Tensor Keep(Tensor t)
    {
        var kept = t.DetachFromDisposeScope();
        stepOutputs.Add(kept);
        return kept;
    }

    void DisposeStepOutputs()
    {
        foreach (var t in stepOutputs) t.Dispose();
        stepOutputs.Clear();
    }

    EpochCursor StartEpoch(int number)
    {
        var cursor = new EpochCursor(number, batchSource(number).GetEnumerator());
        cursor.Advance(this);
        if (cursor.Batch is null)
        {
            cursor.Dispose();
            throw new DataException($"MixupEnv: the data for epoch {number} has no full batch of {BatchSize} images. Use a smaller --batch-size or more training data.");
        }
        return cursor;
    }

    (Tensor Saliency, Tensor Logits, Tensor Observation) CleanPass(Batch batch)
    {
        using var scope = NewDisposeScope();
        var (saliency, logits) = backend.CleanPass(batch);
        if (logits.dim() != 2 || logits.shape[0] != BatchSize || logits.shape[1] != NumClasses)
            throw new UsageException($"MixupEnv was created for {NumClasses} classes and batch {BatchSize}, but the model returned logits of shape ({string.Join(", ", logits.shape)}).");
        var pooled = backend.PoolAndNormalize(saliency, options.ObservationGrid);                                  // eq. 3
        var observation = cat([pooled.flatten(1).to(float32), logits.to(float32)], 1);
        return (saliency.detach().DetachFromDisposeScope(), logits.detach().DetachFromDisposeScope(), observation.detach().DetachFromDisposeScope());
    }

    /// <summary>An epoch's batch enumerator with the current full batch and its clean pass.</summary>
    sealed class EpochCursor(int epoch, IEnumerator<Batch> batches) : IDisposable
    {
        /// <summary>The 1-based epoch whose batches this cursor walks.</summary>
        public int Epoch { get; } = epoch;

        /// <summary>Batches taken from the source so far, including skipped partial ones (to find the place again on restore).</summary>
        public int Taken { get; private set; }

        public Batch? Batch { get; private set; }
        public Tensor Saliency { get; private set; } = null!;
        public Tensor Logits { get; private set; } = null!;
        public Tensor Observation { get; private set; } = null!;

        /// <summary>Moves to the next full batch (null at the end of the epoch) and runs its clean pass.</summary>
        public void Advance(MixupEnv env)
        {
            DisposeCurrent();
            while (batches.MoveNext())
            {
                Taken++;
                var batch = batches.Current;
                // The env owns the batch across steps: take it out of whatever dispose scope the
                // caller had open while the loader produced it (a per-step scope would free it).
                batch.Inputs.DetachFromDisposeScope();
                batch.Labels.DetachFromDisposeScope();
                if (batch.Inputs.shape[0] == env.BatchSize)
                {
                    Batch = batch;
                    (Saliency, Logits, Observation) = env.CleanPass(batch);
                    return;
                }
                batch.Inputs.Dispose();
                batch.Labels.Dispose();
            }
        }

        /// <summary>
        /// Walks to the place a saved cursor was (<paramref name="taken"/> batches taken) and, when it held a
        /// batch, makes the last one taken current with its saved clean pass (no pass is run again: the model
        /// has moved on since).
        /// </summary>
        public void Restore(int taken, (Tensor Saliency, Tensor Logits, Tensor Observation)? cleanPass)
        {
            for (var i = 0; i < taken; i++)
            {
                if (!batches.MoveNext())
                    throw new DataException($"MixupEnv: the saved state is at batch {taken} of epoch {Epoch}, but the data has only {i} batches in that epoch; resume with the data options it was saved with.");
                Taken++;
                var batch = batches.Current;
                batch.Inputs.DetachFromDisposeScope();
                batch.Labels.DetachFromDisposeScope();
                if (i == taken - 1 && cleanPass is { } pass)
                {
                    Batch = batch;
                    (Saliency, Logits, Observation) = pass;
                    return;
                }
                batch.Inputs.Dispose();
                batch.Labels.Dispose();
            }
        }

        /// <summary>Releases the current batch without moving on (the episode stops here).</summary>
        public void Close() => DisposeCurrent();

        void DisposeCurrent()
        {
            if (Batch is null) return;
            Batch.Inputs.Dispose();
            Batch.Labels.Dispose();
            Saliency.Dispose();
            Logits.Dispose();
            Observation.Dispose();
            Batch = null;
        }

        public void Dispose()
        {
            DisposeCurrent();
            batches.Dispose();
        }
    }
}

using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

/// <summary>
/// One rollout of <c>n</c> steps (SB3's <c>RolloutBuffer</c>, with the environment axis replaced by
/// R reward columns: R = 1 for the joint action, R = B with per-image credit). Preallocated; steps
/// are copied in, so memory stays flat.
/// </summary>
public sealed class RolloutBuffer : IDisposable
{
    readonly Dictionary<string, Tensor> observations = new(StringComparer.Ordinal);

    /// <summary>Creates the buffer.</summary>
    /// <param name="size">n, steps per rollout.</param>
    /// <param name="observationShapes">Shape of one observation per key.</param>
    /// <param name="actionWidth">B, actions per step.</param>
    /// <param name="rewardWidth">R, reward columns per step.</param>
    public RolloutBuffer(int size, IReadOnlyDictionary<string, long[]> observationShapes, int actionWidth, int rewardWidth, double gamma, double gaeLambda, Device? device = null)
    {
        Size = size;
        RewardWidth = rewardWidth;
        Gamma = gamma;
        GaeLambda = gaeLambda;
        var d = device ?? CPU;
        foreach (var (key, shape) in observationShapes)
            observations[key] = zeros([size, .. shape], device: d).DetachFromDisposeScope();
        Actions = zeros([size, actionWidth], dtype: int64, device: d).DetachFromDisposeScope();
        Rewards = zeros([size, rewardWidth], device: d).DetachFromDisposeScope();
        Values = zeros([size, rewardWidth], device: d).DetachFromDisposeScope();
        LogProbs = zeros([size, rewardWidth], device: d).DetachFromDisposeScope();
        EpisodeStarts = zeros([size], device: d).DetachFromDisposeScope();
        Advantages = zeros([size, rewardWidth], device: d).DetachFromDisposeScope();
        Returns = zeros([size, rewardWidth], device: d).DetachFromDisposeScope();
    }

    /// <summary>n, steps per rollout.</summary>
    public int Size { get; }

    /// <summary>R, reward columns.</summary>
    public int RewardWidth { get; }

    /// <summary>Discount factor.</summary>
    public double Gamma { get; }

    /// <summary>GAE lambda.</summary>
    public double GaeLambda { get; }

    /// <summary>Steps stored so far.</summary>
    public int Pos { get; private set; }

    /// <summary>Whether all n steps are stored.</summary>
    public bool Full => Pos == Size;

    /// <summary>Stored observations per key, <c>[n, ...]</c>.</summary>
    public IReadOnlyDictionary<string, Tensor> Observations => observations;

    /// <summary>Actions <c>[n, B]</c>.</summary>
    public Tensor Actions { get; }

    /// <summary>Rewards <c>[n, R]</c> (with the time-limit bootstrap already added on truncated steps).</summary>
    public Tensor Rewards { get; }

    /// <summary>Value estimates <c>[n, R]</c> at collection time.</summary>
    public Tensor Values { get; }

    /// <summary>Log-probabilities <c>[n, R]</c> of the taken actions at collection time.</summary>
    public Tensor LogProbs { get; }

    /// <summary>1 where the step's observation is the first of an episode, <c>[n]</c>.</summary>
    public Tensor EpisodeStarts { get; }

    /// <summary>GAE advantages <c>[n, R]</c>, after <see cref="ComputeReturnsAndAdvantage"/>.</summary>
    public Tensor Advantages { get; }

    /// <summary>Returns (advantages + values) <c>[n, R]</c>, the value targets.</summary>
    public Tensor Returns { get; }

    /// <summary>Starts a new rollout.</summary>
    public void Reset() => Pos = 0;

    /// <summary>Stores one step (copies the tensors).</summary>
    public void Add(IReadOnlyDictionary<string, Tensor> observation, Tensor actions, Tensor rewards, bool episodeStart, Tensor values, Tensor logProbs)
    {
        if (Full) throw new InvalidOperationException("RolloutBuffer is full; compute advantages, train, then Reset it.");
        using var scope = NewDisposeScope();
        foreach (var (key, storage) in observations) storage[Pos].copy_(observation[key]);
        Actions[Pos].copy_(actions);
        Rewards[Pos].copy_(rewards.reshape(RewardWidth));
        Values[Pos].copy_(values.reshape(RewardWidth));
        LogProbs[Pos].copy_(logProbs.reshape(RewardWidth));
        EpisodeStarts[Pos].fill_(episodeStart ? 1f : 0f);
        Pos++;
    }

    /// <summary>
    /// GAE (Schulman et al. 2016, eq. 16), as SB3's <c>compute_returns_and_advantage</c> for R = 1 (the joint
    /// action): delta_t = r_t + gamma V(s_{t+1}) (1 - done_{t+1}) - V(s_t), A_t = delta_t + gamma lambda (1 - done_{t+1}) A_{t+1},
    /// R_t = A_t + V(s_t). With R = B columns (per-image credit) column j is image j's decision, and the
    /// image in column j at step t+1 is a different image: what follows image j's decision is the next
    /// batch as a whole, so the column is bootstrapped from the MEAN over columns of the next step's
    /// values and advantages: delta_{t,j} = r_{t,j} + gamma mean_i V_i(s_{t+1}) (1 - done) - V_j(s_t),
    /// A_{t,j} = delta_{t,j} + gamma lambda (1 - done) mean_i A_{t+1,i}. Then mean_j A_{t,j} is exactly the
    /// joint GAE of the batch-mean reward under the batch-mean value (the env's scalar objective), and
    /// gamma 0 makes each decision a one-step contextual bandit (A = r - V). <paramref name="lastValues"/>
    /// <c>[R]</c> is V of the observation after the last step; <paramref name="done"/> whether the last step
    /// ended its episode. Truncated steps were already given r + gamma V(final observation) (its mean over
    /// columns) at collection, so every episode end cuts here.
    /// </summary>
    public void ComputeReturnsAndAdvantage(Tensor lastValues, bool done)
    {
        if (!Full) throw new InvalidOperationException($"RolloutBuffer has {Pos} of {Size} steps; fill it before computing advantages.");
        using var scope = NewDisposeScope();
        var rewards = Rewards.cpu().data<float>().ToArray();
        var values = Values.cpu().data<float>().ToArray();
        var starts = EpisodeStarts.cpu().data<float>().ToArray();
        var last = lastValues.detach().cpu().to(float32).reshape(RewardWidth).data<float>().ToArray();
        var advantages = new float[rewards.Length];
        double nextValue = last.Average(x => (double)x), nextAdvantage = 0;
        for (var step = Size - 1; step >= 0; step--)
        {
            double nextNonTerminal = step == Size - 1 ? (done ? 0.0 : 1.0) : 1.0 - starts[step + 1];
            double valueSum = 0, advantageSum = 0;
            for (var j = 0; j < RewardWidth; j++)
            {
                var k = step * RewardWidth + j;
                var delta = rewards[k] + Gamma * nextValue * nextNonTerminal - values[k];
                var advantage = delta + Gamma * GaeLambda * nextNonTerminal * nextAdvantage;
                advantages[k] = (float)advantage;
                valueSum += values[k];
                advantageSum += advantage;
            }
            nextValue = valueSum / RewardWidth;
            nextAdvantage = advantageSum / RewardWidth;
        }
        Advantages.copy_(tensor(advantages).reshape(Size, RewardWidth));
        Returns.copy_(Advantages + Values);
    }

    /// <summary>Minibatches of step indices: one seeded permutation of the n steps cut into chunks of <paramref name="batchSize"/> (the last may be smaller).</summary>
    public IEnumerable<long[]> MinibatchIndices(int batchSize, Generator generator)
    {
        long[] permutation;
        using (var scope = NewDisposeScope()) permutation = randperm(Size, generator: generator).data<long>().ToArray();
        for (var start = 0; start < Size; start += batchSize)
            yield return permutation[start..Math.Min(start + batchSize, Size)];
    }

    /// <summary>Writes the buffer's contents and position.</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(Pos);
        foreach (var key in observations.Keys.Order(StringComparer.Ordinal)) observations[key].Save(writer);
        foreach (var t in new[] { Actions, Rewards, Values, LogProbs, EpisodeStarts, Advantages, Returns }) t.Save(writer);
    }

    /// <summary>Restores what <see cref="Save"/> wrote (into a buffer of the same shapes).</summary>
    public void Load(BinaryReader reader)
    {
        Pos = reader.ReadInt32();
        foreach (var key in observations.Keys.Order(StringComparer.Ordinal)) observations[key].Load(reader);
        foreach (var t in new[] { Actions, Rewards, Values, LogProbs, EpisodeStarts, Advantages, Returns }) t.Load(reader);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in observations.Values) t.Dispose();
        foreach (var t in new[] { Actions, Rewards, Values, LogProbs, EpisodeStarts, Advantages, Returns }) t.Dispose();
    }
}

using RLMix.Agents.Metrics;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

/// <summary>
/// The online agent's PPO update as <c>rlmix bench</c> times it (<see cref="IPeriodicWork"/>): a stand-in agent with
/// the online agent's spec and options, a full rollout of random observations and rewards with the actions, values and
/// log-probabilities its own policy gives them, and as the unit one minibatch of <see cref="Ppo.Train"/>
/// (<see cref="Ppo.TrainMinibatch"/>: forward, loss, backward, clipping, Adam), going through the minibatches of a
/// permutation as an update does. An update runs n_epochs x ceil(n_steps / batch_size) minibatches per n_steps steps,
/// and that is the charge per step. Not charged: what an update does once per rollout (V of the next observation,
/// GAE, the permutation, the explained variance), and target_kl's early stop, which would lower the charge.
/// </summary>
public static class PpoMinibatchWork
{
    /// <summary>The unit's name in a report.</summary>
    public const string Name = "ppo-minibatch-update";

    /// <summary>Minibatch updates per step with <paramref name="options"/>: n_epochs x ceil(n_steps / batch_size) / n_steps.</summary>
    public static double PerStep(PpoOptions options) =>
        options.NEpochs * Math.Ceiling((double)options.NSteps / options.BatchSize) / options.NSteps;

    /// <summary>The unit on a stand-in for an agent of <paramref name="spec"/> with <paramref name="options"/> (<see cref="StandIn"/>); disposing it disposes the stand-in.</summary>
    public static PeriodicWorkUnit Create(AgentSpec spec, PpoOptions options, long seed)
    {
        var agent = StandIn(spec, options, seed);
        return For(agent, agent.Dispose);
    }

    /// <summary>
    /// A new agent of <paramref name="spec"/> with <paramref name="options"/> and <paramref name="seed"/> whose rollout is
    /// full: random observations and rewards (seeded), actions, values and log-probabilities from its own policy, GAE computed.
    /// </summary>
    public static PpoAgent StandIn(AgentSpec spec, PpoOptions options, long seed)
    {
        var agent = PpoAgent.Create(spec, options, seed);
        try
        {
            Fill(agent);
            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The unit on <paramref name="agent"/>, whose rollout must be full with its advantages computed: each run trains
    /// on the next minibatch of the current permutation, a new permutation (from the agent's generator) after the last,
    /// so that n_epochs x ceil(n_steps / batch_size) runs are the minibatches of one <see cref="Ppo.Train"/>.
    /// </summary>
    public static PeriodicWorkUnit For(PpoAgent agent, Action release)
    {
        var options = agent.Options;
        var parameters = agent.Network.parameters().ToArray();
        IEnumerator<long[]>? chunks = null;
        void Run()
        {
            if (chunks is null || !chunks.MoveNext())
            {
                chunks = agent.Buffer.MinibatchIndices(options.BatchSize, agent.Generator).GetEnumerator();
                chunks.MoveNext();
            }
            Ppo.TrainMinibatch(agent, chunks.Current, parameters, MetricLogger.None);
        }
        var basis = $"n_epochs {options.NEpochs} x ceil(n_steps {options.NSteps} / batch_size {options.BatchSize}) minibatches per {options.NSteps} steps";
        return new PeriodicWorkUnit(Name, PerStep(options), basis, Run, release);
    }

    static void Fill(PpoAgent agent)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var buffer = agent.Buffer;
        int n = buffer.Size;
        var observations = agent.Spec.ObservationShapes.ToDictionary(kv => kv.Key, kv => randn([n, .. kv.Value], generator: agent.Generator));
        var output = agent.Network.forward(observations);
        var logits = output.Logits;                                                                   // [n, B, K]
        var actions = multinomial(logits.softmax(-1).reshape(-1, logits.shape[^1]), 1, replacement: true, generator: agent.Generator)
            .reshape(logits.shape[0], logits.shape[1]);
        var logProbs = MultiCategorical.LogProbs(logits, actions);
        if (!agent.Options.PerImageCredit) logProbs = logProbs.sum(-1, keepdim: true);               // [n, R]
        var rewards = randn([n, agent.RewardWidth], generator: agent.Generator);
        for (int t = 0; t < n; t++)
            buffer.Add(observations.ToDictionary(kv => kv.Key, kv => kv.Value[t]), actions[t], rewards[t], t == 0, output.Values[t], logProbs[t]);
        buffer.ComputeReturnsAndAdvantage(output.Values[n - 1], done: false);
    }
}

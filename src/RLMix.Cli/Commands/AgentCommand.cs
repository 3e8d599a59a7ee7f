using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RLMix.Agents;
using RLMix.Agents.Learning;
using RLMix.Agents.Metrics;
using RLMix.Agents.Policies;
using RLMix.Configuration;
using RLMix.Envs;
using RLMix.Envs.Mixup;
using RLMix.Errors;
using RLMix.IO;
using RLMix.Training;
using Spectre.Console;
using static TorchSharp.torch;

namespace RLMix.Cli.Commands;

/// <summary><c>rlmix agent train|eval</c>: train a PPO agent in MixupEnv, or evaluate policies in it.</summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var command = new Command("agent", "Train a PPO agent in MixupEnv (one episode = one epoch of classifier training), or evaluate policies.");
        command.Add(CreateTrain());
        command.Add(CreateEval());
        return command;
    }

    /// <summary>Options shared by both subcommands, on top of the data and model options of <c>rlmix train</c>.</summary>
    sealed class EnvOptions
    {
        public readonly RunConfigOptions Run = new();
        public readonly Option<int> Episodes = new("--episodes", "-n") { Description = "Episodes (epochs of classifier training).", DefaultValueFactory = _ => 3 };
        public readonly Option<int?> MaxBatches = new("--max-batches") { Description = "Cap an episode at N batches (quick runs)." };
        public readonly Option<string?> Reward = new("--reward") { Description = "Built-in reward: grad-cosine (default), grad-cosine-image, negative-loss, true-class-confidence." };
        public readonly Option<string?> RewardPlugin = new("--reward-plugin") { Description = "Assembly (.dll) with your IRewardFunction implementation." };
        public readonly Option<string?> RewardType = new("--reward-type") { Description = "Full type name of the reward when the plugin has several." };
        public readonly Option<string?> Preset = new("--preset") { Description = "per-image (default: per-image network, SB3 PPO defaults, epoch ends truncated) or paper (the official RL-Mix code's settings: its network, n_steps 1000, minibatch 250, lr schedule, epoch ends terminal)." };

        public void AddTo(Command c)
        {
            Run.AddTo(c);
            foreach (var o in new Option[] { Episodes, MaxBatches, Reward, RewardPlugin, RewardType, Preset }) c.Add(o);
        }

        public (RunConfig Config, RLMixOptions Rl, int Episodes, int? MaxBatches) Resolve(ParseResult p)
        {
            var config = Run.Resolve(p).Validate();
            var rl = config.Methods.Get<RLMixOptions>("rlmix");
            rl = rl with
            {
                Reward = p.GetValue(Reward) ?? rl.Reward,
                RewardPlugin = p.GetValue(RewardPlugin) ?? rl.RewardPlugin,
                RewardType = p.GetValue(RewardType) ?? rl.RewardType,
                Preset = p.GetValue(Preset) ?? rl.Preset,
            };
            int episodes = p.GetValue(Episodes);
            if (episodes < 1) throw new UsageException($"--episodes must be at least 1 (got {episodes}).");
            int? maxBatches = p.GetValue(MaxBatches);
            if (maxBatches is < 1) throw new UsageException($"--max-batches must be at least 1 (got {maxBatches}).");
            return (config, rl, episodes, maxBatches);
        }
    }

    static Command CreateTrain()
    {
        var env = new EnvOptions();
        var outDir = new Option<string>("--out", "-o") { Description = "Directory of the trained agent.", DefaultValueFactory = _ => Path.Combine("runs", "agent") };
        var network = new Option<string?>("--network") { Description = "Policy network: per-image (default; any batch size) or paper (the official extractor; fixed batch size)." };
        var nSteps = new Option<int?>("--n-steps") { Description = "PPO rollout length (default: the preset's, capped at the run's length so that the agent is updated)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an agent already in --out." };
        var command = new Command("train", "Train a PPO agent in MixupEnv; writes the agent (policy.json, agent.bin, training.bin), agent.json (reward per episode), progress.csv and TensorBoard events.");
        env.AddTo(command);
        foreach (var o in new Option[] { outDir, network, nSteps, overwrite }) command.Add(o);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            var (config, rl, episodes, maxBatches) = env.Resolve(p);
            string dir = p.GetValue(outDir)!;
            if (File.Exists(Path.Combine(dir, PpoAgent.JsonFile)) && !p.GetValue(overwrite))
                throw new UsageException($"'{dir}' already holds an agent. Pass --overwrite to replace it, or choose another --out.");
            rl = rl with { Network = p.GetValue(network) ?? rl.Network, NSteps = p.GetValue(nSteps) ?? rl.NSteps };
            using var session = MixupSession.Create(config, rl, episodes, maxBatches);
            var ppo = rl.Ppo();
            long runSteps = (long)episodes * session.StepsPerEpisode;
            if (rl.NSteps is null && ppo.NSteps > runSteps)
            {
                ctx.Logger.LogInformation("n_steps {Preset} of the {Name} preset is longer than the whole run ({Steps} steps); using n_steps {Steps} and minibatch {Batch} so that the agent is updated. Set --n-steps to choose.",
                    ppo.NSteps, rl.Preset, runSteps, runSteps, Math.Min(ppo.BatchSize, (int)runSteps));
                ppo = ppo with { NSteps = (int)runSteps, BatchSize = Math.Min(ppo.BatchSize, (int)runSteps) };
            }

            Directory.CreateDirectory(dir);
            ctx.OpenLogFile(Path.Combine(dir, "log.txt"));
            ctx.Logger.LogInformation("rlmix agent train: {Dataset}, {Model}, {Episodes} episodes of {Steps} steps, reward {Reward}, network {Network}, n_steps {NSteps}, seed {Seed} -> {Dir:l}",
                config.Data.Dataset, config.Model, episodes, session.StepsPerEpisode, session.Env.Reward.Name, ppo.Network, ppo.NSteps, config.Seed, dir);
            using var metrics = new MetricLogger(new CsvMetricSink(Path.Combine(dir, "progress.csv")), new TensorBoardMetricSink(Path.Combine(dir, "tb")),
                new ConsoleMetricSink(line => ctx.Logger.LogInformation("{Line:l}", line)));
            using var agent = ppo.Network == "paper"
                ? PpoAgent.Create(new DictObservationEnv(session.Env), ppo, Seeds.Derive(config.Seed, "agent"))
                : PpoAgent.Create(session.Env, ppo, Seeds.Derive(config.Seed, "agent"));

            var results = new List<EpisodeResult>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var lastReport = System.Diagnostics.Stopwatch.StartNew();
            void OnStep(PpoStepInfo info)
            {
                ctx.Cancel.ThrowIfCancellationRequested();
                if (lastReport.Elapsed.TotalSeconds >= 15)
                {
                    ctx.Logger.LogInformation("episode {Episode}, step {Step}/{Total}, reward {Reward:F4}, {Rate:F2} steps/s",
                        agent.EpisodesCompleted + 1, info.NumTimesteps, runSteps, info.Reward, info.NumTimesteps / clock.Elapsed.TotalSeconds);
                    lastReport.Restart();
                }
            }
            void OnEpisode(EpisodeResult r)
            {
                results.Add(r);
                ctx.Logger.LogInformation("Episode {Episode}/{Episodes}: mean reward {Mean:F4} over {Steps} steps ({How})",
                    r.Episode, episodes, r.MeanReward, r.Steps, r.Terminated ? "terminated" : "truncated");
            }
            try
            {
                if (ppo.Network == "paper")
                    AgentTraining.Run(agent, new DictObservationEnv(session.Env), episodes, session.StepsPerEpisode, metrics, OnEpisode, OnStep);
                else
                    AgentTraining.Run(agent, session.Env, episodes, session.StepsPerEpisode, metrics, OnEpisode, OnStep);
            }
            catch (OperationCanceledException)
            {
                agent.Save(dir);
                WriteSummary(Path.Combine(dir, "agent.json"), config, rl, ppo, results, clock.Elapsed.TotalSeconds);
                ctx.Logger.LogWarning("Interrupted after {Episodes} complete episodes; the agent so far (with its partial rollout) is saved in {Dir:l}.", results.Count, dir);
                return 130;
            }

            agent.Save(dir);
            WriteSummary(Path.Combine(dir, "agent.json"), config, rl, ppo, results, clock.Elapsed.TotalSeconds);
            ctx.Logger.LogInformation("Saved the agent to {Dir:l}. Use it with: rlmix train --method rlmix --agent {Dir:l}, or rlmix agent eval --policy learned:{Dir:l}", dir, dir, dir);
            return 0;
        }, graceful: true));
        return command;
    }

    static Command CreateEval()
    {
        var env = new EnvOptions();
        var policies = new Option<string[]>("--policy", "-p") { Description = "learned:DIR, random or fixed:Q; repeat to compare several under the same seed.", Required = true, AllowMultipleArgumentsPerToken = true };
        var outFile = new Option<string?>("--out", "-o") { Description = "Write the results as JSON." };
        var command = new Command("eval", "Evaluate policies in MixupEnv: each policy gets a fresh classifier with the same seed, data and env draws; prints the mean reward per episode.");
        env.AddTo(command);
        command.Add(policies);
        command.Add(outFile);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            var (config, rl, episodes, maxBatches) = env.Resolve(p);
            var rows = new List<(string Policy, IReadOnlyList<EpisodeResult> Episodes)>();
            foreach (var spec in p.GetValue(policies)!)
            {
                using var session = MixupSession.Create(config, rl, episodes, maxBatches);
                ctx.Logger.LogInformation("Evaluating {Policy}: {Episodes} episodes of {Steps} steps", spec, episodes, session.StepsPerEpisode);
                bool dictAgent = UsesDictObservation(spec);
                IReadOnlyList<EpisodeResult> results;
                void OnEpisode(EpisodeResult r) => ctx.Logger.LogInformation("{Policy} episode {Episode}: mean reward {Mean:F4}", spec, r.Episode, r.MeanReward);
                if (dictAgent)
                {
                    var dict = new DictObservationEnv(session.Env);
                    var policy = PolicyFactory.Create(spec, dict.ObservationSpace, dict.ActionSpace, Seeds.Derive(config.Seed, "policy"));
                    results = PolicyEvaluation.Run(policy, dict, episodes, onEpisode: OnEpisode);
                    (policy as IDisposable)?.Dispose();
                }
                else
                {
                    var policy = PolicyFactory.Create(spec, session.Env.ObservationSpace, session.Env.ActionSpace, Seeds.Derive(config.Seed, "policy"));
                    results = PolicyEvaluation.Run(policy, session.Env, episodes, onEpisode: OnEpisode);
                    (policy as IDisposable)?.Dispose();
                }
                rows.Add((spec, results));
            }

            var table = new Table().AddColumn("policy");
            for (int e = 1; e <= episodes; e++) table.AddColumn($"episode {e}");
            table.AddColumn("mean reward");
            foreach (var (policy, results) in rows)
                table.AddRow([Markup.Escape(policy), .. results.Select(r => $"{r.MeanReward:F4}"), $"{results.Average(r => r.MeanReward):F4}"]);
            AnsiConsole.Write(table);
            if (p.GetValue(outFile) is { } path)
                AtomicFile.WriteAllText(path, JsonSerializer.Serialize(rows.Select(r => new
                {
                    policy = r.Policy, mean_reward = r.Episodes.Average(e => e.MeanReward),
                    episodes = r.Episodes.Select(e => new { episode = e.Episode, mean_reward = e.MeanReward, steps = e.Steps }),
                }), ConfigFile.JsonOptions));
            return 0;
        }));
        return command;
    }

    /// <summary>Whether the policy is a saved agent with the paper network (Dict observation).</summary>
    static bool UsesDictObservation(string spec)
    {
        if (!spec.StartsWith("learned:", StringComparison.Ordinal)) return false;
        using var agent = PpoAgent.Load(spec["learned:".Length..]);
        return agent.Spec.ObservationKind == "dict";
    }

    static void WriteSummary(string path, RunConfig config, RLMixOptions rl, PpoOptions ppo, IReadOnlyList<EpisodeResult> results, double seconds) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new
        {
            dataset = config.Data.Dataset, model = config.Model, seed = config.Seed, reward = rl.RewardPlugin ?? rl.Reward, preset = rl.Preset,
            ppo, seconds,
            episodes = results.Select(r => new { episode = r.Episode, mean_reward = r.MeanReward, total_reward = r.TotalReward, steps = r.Steps, terminated = r.Terminated }),
            versions = VersionInfo.All,
        }, ConfigFile.JsonOptions));
}

using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using RLMix.Agents;
using RLMix.Agents.Learning;
using RLMix.Agents.Policies;
using RLMix.Configuration;
using RLMix.Envs.Mixup;
using RLMix.Errors;
using RLMix.IO;
using RLMix.Training;
using Spectre.Console;

namespace RLMix.Cli.Commands;

/// <summary><c>rlmix agent train|eval|check-env</c>: train a PPO agent in MixupEnv, evaluate policies in it, or check the env's API.</summary>
internal static class AgentCommand
{
    public static Command Create(MethodCatalog methods)
    {
        var command = new Command("agent", "Train a PPO agent in MixupEnv (one episode = one epoch of classifier training), or evaluate policies.");
        command.Add(CreateTrain(methods));
        command.Add(CreateEval(methods));
        command.Add(CreateCheckEnv(methods));
        return command;
    }

    /// <summary>Options shared by both subcommands, on top of the data and model options of <c>rlmix train</c>.</summary>
    sealed class EnvOptions(MethodCatalog methods)
    {
        public readonly RunConfigOptions Run = new(methods, chooseMethod: false);
        public readonly Option<int> Episodes = new("--episodes", "-n") { Description = "Episodes (epochs of classifier training).", DefaultValueFactory = _ => 3 };
        public readonly Option<int?> MaxBatches = new("--max-batches") { Description = "Cap an episode at N batches (quick runs)." };
        public readonly Option<string?> Reward = new("--reward") { Description = $"Built-in reward: {string.Join(", ", RLMix.Envs.Rewards.RewardRegistry.BuiltInNames)} (default {RLMix.Envs.Rewards.RewardRegistry.DefaultName}); not with --reward-plugin." };
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
            var config = Run.Resolve(p).ValidateSettings();
            var rl = config.Methods.Get<RLMixOptions>("rlmix");
            if (p.GetValue(Reward) is { } name && p.GetValue(RewardPlugin) is { } plugin)
                throw new UsageException($"Both --reward '{Echo.Of(name)}' and --reward-plugin '{Echo.Of(plugin)}' were given; use one of them (--reward-type picks a type inside the plug-in).");
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

    static Command CreateTrain(MethodCatalog methods)
    {
        var env = new EnvOptions(methods);
        var outDir = new Option<string>("--out", "-o") { Description = "Directory of the trained agent.", DefaultValueFactory = _ => Path.Combine("runs", "agent") };
        var network = new Option<string?>("--network") { Description = "Policy network: per-image (default; any batch size) or paper (the official extractor; fixed batch size)." };
        var nSteps = new Option<int?>("--n-steps") { Description = "PPO rollout length (default: the preset's, capped at a tenth of the run so that the agent is updated)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the directory's checkpoint (written after every PPO update and on Ctrl-C)." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an agent or agent run already in --out." };
        var command = new Command("train", $"Train a PPO agent in MixupEnv; writes the agent ({PpoAgent.FileName}), {AgentTrainingRun.SummaryFile} (reward per episode), {AgentTrainingRun.ProgressFile}, TensorBoard events and a checkpoint that --resume continues from.");
        env.AddTo(command);
        foreach (var o in new Option[] { outDir, network, nSteps, resume, overwrite }) command.Add(o);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            var (config, rl, episodes, maxBatches) = env.Resolve(p);
            rl = rl with { Network = p.GetValue(network) ?? rl.Network, NSteps = p.GetValue(nSteps) ?? rl.NSteps };
            string dir = p.GetValue(outDir)!;
            var run = new AgentTrainingOptions(dir, episodes, maxBatches, p.GetValue(resume), p.GetValue(overwrite));
            bool logOpen = false;
            void Log(string line)
            {
                if (!logOpen && Directory.Exists(dir)) { ctx.OpenLogFile(Path.Combine(dir, "log.txt")); logOpen = true; }
                ctx.Logger.LogInformation("{Line:l}", line);
            }
            try
            {
                AgentTrainingRun.Run(config, rl, run, Log, ctx.Cancel);
            }
            catch (RunInterruptedException)
            {
                var args = Environment.GetCommandLineArgs().Skip(1).Where(a => a != "--resume");
                ctx.Logger.LogWarning("Resume with: rlmix {Args:l} --resume", string.Join(" ", args.Select(a => a.Contains(' ') ? $"'{a}'" : a)));
                throw;
            }
            return 0;
        }, graceful: true));
        return command;
    }

    /// <summary>
    /// Gymnasium's <c>check_env</c> for MixupEnv as configured (data, model, reward, plug-in): spaces, seeded resets,
    /// observations in the space, finite rewards, an episode run to its end, no step after it. MixupEnv allows
    /// one reset per epoch of its run, so the check runs at least two episodes.
    /// </summary>
    static Command CreateCheckEnv(MethodCatalog methods)
    {
        var env = new EnvOptions(methods);
        var command = new Command("check-env", "Check MixupEnv as configured (data, model, reward or reward plug-in) against the Gymnasium API, like check_env: spaces, seeded resets, observations in the space, finite rewards, an episode to its end.");
        env.AddTo(command);
        command.SetAction(p => Cli.Run(p, ctx =>
        {
            var (config, rl, episodes, maxBatches) = env.Resolve(p);
            using var session = MixupSession.Create(config, rl, Math.Max(episodes, 2), maxBatches);
            ctx.Logger.LogInformation("Checking MixupEnv: {Dataset}, {Model}, reward {Reward}, {Steps} steps per episode", config.Data.Dataset, config.Model, session.Env.Reward.Name, session.StepsPerEpisode);
            try
            {
                var report = Envs.Checking.EnvChecker.Check(session.Env, seed: (int)config.Seed, maxSteps: session.StepsPerEpisode + 1, checkStepDeterminism: false);
                foreach (var check in report.Checks) ctx.Logger.LogInformation("ok: {Check:l}", check);
                ctx.Logger.LogInformation("MixupEnv passed the env checker ({Steps} steps).", report.StepsTaken);
                return 0;
            }
            catch (Envs.Checking.EnvCheckException e)
            {
                ctx.Logger.LogError("MixupEnv failed the env checker: {Message:l}", e.Message);
                return 1;
            }
        }));
        return command;
    }

    static Command CreateEval(MethodCatalog methods)
    {
        var env = new EnvOptions(methods);
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
            var specs = p.GetValue(policies)!;
            foreach (var spec in specs) PolicyFactory.Check(spec, rl.RMix.K);   // every policy and agent before the first episode
            foreach (var spec in specs)
            {
                using var session = MixupSession.Create(config, rl, episodes, maxBatches);
                ctx.Logger.LogInformation("Evaluating {Policy}: {Episodes} episodes of {Steps} steps", spec, episodes, session.StepsPerEpisode);
                void OnEpisode(EpisodeResult r) => ctx.Logger.LogInformation("{Policy} episode {Episode}: mean reward {Mean:F4}", spec, r.Episode, r.MeanReward);
                var policy = PolicyFactory.CreateForMixup(spec, session.Env.BatchSize, session.Env.Layout, rl.RMix.K, Seeds.Derive(config.Seed, "policy"));
                IReadOnlyList<EpisodeResult> results;
                try
                {
                    results = PolicyFactory.WantsDictObservation(policy)
                        ? PolicyEvaluation.Run(policy, new DictObservationEnv(session.Env), episodes, onEpisode: OnEpisode)
                        : PolicyEvaluation.Run(policy, session.Env, episodes, onEpisode: OnEpisode);
                }
                finally
                {
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
}

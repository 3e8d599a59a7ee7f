using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RLMix.Agents.Learning;
using RLMix.Agents.Metrics;
using RLMix.Configuration;
using RLMix.Envs;
using RLMix.Envs.Mixup;
using RLMix.Errors;
using RLMix.IO;
using RLMix.Training;
using static TorchSharp.torch;

namespace RLMix.Agents;

/// <summary>
/// <c>rlmix agent train</c> as a library call: a PPO agent trained in a fresh <see cref="MixupSession"/>
/// with the same guarantees as <c>rlmix train</c>. After every PPO update (and on interruption) it writes
/// an atomic checkpoint holding the agent (weights, optimizer, generator, rollout), the classifier and
/// env state, torch's generator, the episode history and the length of progress.csv and the TensorBoard
/// files; a run resumed from it ends with an agent byte-identical to an uninterrupted run's. At the end
/// the agent is written as one file (<see cref="PpoAgent.FileName"/>), then <c>agent.json</c>, the summary.
/// </summary>
public static class AgentTrainingRun
{
    /// <summary>The run summary's file name (episodes, PPO options, versions).</summary>
    public const string SummaryFile = "agent.json";

    /// <summary>The metrics file's name (SB3's progress.csv: one row per PPO update, one column per key).</summary>
    public const string ProgressFile = "progress.csv";

    /// <summary>The TensorBoard directory's name.</summary>
    public const string TensorBoardDir = "tb";

    // progress.csv's row count and the event files' lengths ("progress" held the long-format CSV's byte length).
    const string ProgressSection = "progress-rows";

    /// <summary>Trains (or resumes) the agent.</summary>
    /// <param name="log">Receives the run's log lines.</param>
    /// <exception cref="UsageException">Invalid settings, the directory holds another run, or a resume with other settings.</exception>
    /// <exception cref="DataException">The data set or the checkpoint is missing or corrupt.</exception>
    /// <exception cref="RunInterruptedException"><paramref name="cancel"/> fired; a checkpoint was written.</exception>
    public static AgentTrainingResult Run(RunConfig config, RLMixOptions rl, AgentTrainingOptions run, Action<string>? log = null, CancellationToken cancel = default)
    {
        log ??= _ => { };
        if (run.Episodes < 1) throw new UsageException($"--episodes must be at least 1 (got {run.Episodes}).");
        if (run.MaxBatches is < 1) throw new UsageException($"--max-batches must be at least 1 (got {run.MaxBatches}).");
        config = config.ValidateSettings();
        OutputDirectory.Check(run.OutDir);
        var requested = rl.Ppo();

        // Everything that can fail on bad input happens before the directory is touched.
        using var session = MixupSession.Create(config, rl, run.Episodes, run.MaxBatches);
        long runSteps = (long)run.Episodes * session.StepsPerEpisode;
        var (ppo, note) = RolloutLength.ForRun(requested, rl.NSteps is not null, runSteps, rl.Preset);
        var identity = Identity(config, rl, run, ppo);
        using var directoryLock = PrepareDirectory(run, log);
        if (note is not null) log(note);

        log(string.Create(CultureInfo.InvariantCulture,
            $"rlmix agent train: {config.Data.Dataset}, {config.Model}, {run.Episodes} episodes of {session.StepsPerEpisode} steps, reward {session.Env.Reward.Name}, network {ppo.Network}, n_steps {ppo.NSteps}, seed {config.Seed} -> {run.OutDir}"));
        return ppo.Network == "paper"
            ? Train(new DictObservationEnv(session.Env), session, config, rl, run, ppo, identity, log, cancel)
            : Train(session.Env, session, config, rl, run, ppo, identity, log, cancel);
    }

    static AgentTrainingResult Train<TObs>(IEnv<TObs, Tensor> env, MixupSession session, RunConfig config, RLMixOptions rl, AgentTrainingOptions run,
        PpoOptions ppo, string identity, Action<string> log, CancellationToken cancel) where TObs : notnull
    {
        var state = new RunState();
        PpoAgent? agent = null;
        try
        {
            if (run.Resume && CheckpointFile.TryLoadLatest(run.OutDir) is { } loaded)
            {
                if (loaded.UsedPrevious) log($"{loaded.Problem} Falling back to the previous checkpoint {loaded.Path}.");
                EnsureSameRun(loaded.Sections, identity, loaded.Path);
                agent = PpoAgent.FromSections(CheckpointSections.ReadFrom(loaded.Sections.Get("agent")), loaded.Path);
                using (var r = loaded.Sections.Open("session")) session.LoadState(r);
                using (var r = loaded.Sections.Open("run")) state.Read(r);
                RestoreProgressFiles(run.OutDir, loaded.Sections, log);
                log($"Resumed from {loaded.Path} after {agent.EpisodesCompleted} episodes, {agent.NumTimesteps} steps.");
            }
            else
            {
                if (run.Resume) log($"--resume: no checkpoint in {run.OutDir}; starting from the beginning.");
                DeleteProgressFiles(run.OutDir);   // a run killed before its first checkpoint may have logged
                agent = PpoAgent.Create(env, ppo, Seeds.Derive(config.Seed, "agent"));
            }
            agent.EnsureFitsForTraining(env);

            long totalTimesteps = (long)run.Episodes * session.StepsPerEpisode;
            using var metrics = new MetricLogger(new CsvMetricSink(Path.Combine(run.OutDir, ProgressFile), append: true),
                new TensorBoardMetricSink(Path.Combine(run.OutDir, TensorBoardDir)), new ConsoleMetricSink(log));
            long startTimesteps = agent.NumTimesteps;
            metrics.StartClock(startTimesteps, state.Seconds);
            var clock = Stopwatch.StartNew();
            var lastReport = Stopwatch.StartNew();
            void Checkpoint() => CheckpointFile.Save(run.OutDir, state.Capture(identity, agent, session, run.OutDir, clock.Elapsed.TotalSeconds));

            while (!state.Finished)
            {
                if (cancel.IsCancellationRequested)
                {
                    Checkpoint();
                    throw new RunInterruptedException(run.OutDir, session.Env.Epoch, agent.CurrentEpisodeLength);
                }
                var info = Ppo.Step(agent, env, totalTimesteps, metrics, i =>
                {
                    if (i.EpisodeReward is double reward)
                    {
                        var result = new EpisodeResult(i.EpisodesCompleted, reward, i.EpisodeLength!.Value, i.Terminated);
                        state.Episodes.Add(result);
                        log(string.Create(CultureInfo.InvariantCulture, $"Episode {result.Episode}/{run.Episodes}: mean reward {result.MeanReward:F4} over {result.Steps} steps ({(result.Terminated ? "terminated" : "truncated")})"));
                    }
                    return i.EpisodesCompleted < run.Episodes;
                });
                state.Finished = !info.KeepGoing;
                CrashPoint.Reach("agent-step", cancel);
                if (lastReport.Elapsed.TotalSeconds >= 15)
                {
                    log(string.Create(CultureInfo.InvariantCulture, $"episode {agent.EpisodesCompleted + 1}, step {info.NumTimesteps}/{totalTimesteps}, reward {info.Reward:F4}, {(info.NumTimesteps - startTimesteps) / clock.Elapsed.TotalSeconds:F2} steps/s"));
                    lastReport.Restart();
                }
                if (info.Updated || state.Finished) Checkpoint();
            }

            agent.Save(run.OutDir);
            WriteSummary(Path.Combine(run.OutDir, SummaryFile), config, rl, session.Env.Reward, agent.Options, state.Episodes, state.Seconds + clock.Elapsed.TotalSeconds);
            log($"Saved the agent to {PpoAgent.PathIn(run.OutDir)}. Use it with: rlmix train --method rlmix --agent {run.OutDir}, or rlmix agent eval --policy learned:{run.OutDir}");
            return new AgentTrainingResult(PpoAgent.PathIn(run.OutDir), state.Episodes, agent.NumTimesteps, agent.Iterations);
        }
        finally
        {
            agent?.Dispose();
        }
    }

    /// <summary>The settings that decide the agent's numbers, and the reward plug-in's content, as canonical JSON (stored in the checkpoint; a resume must match).</summary>
    static string Identity(RunConfig config, RLMixOptions rl, AgentTrainingOptions run, PpoOptions ppo)
    {
        var identity = new JsonObject
        {
            ["config"] = JsonNode.Parse(ConfigFile.Serialize(config)),
            ["rlmix"] = JsonSerializer.SerializeToNode(rl, ConfigFile.JsonOptions),
            ["episodes"] = run.Episodes,
            ["max_batches"] = run.MaxBatches,
            ["ppo"] = JsonSerializer.SerializeToNode(ppo, ConfigFile.JsonOptions),
        };
        if (rl.InputFingerprint() is { } inputs) identity["inputs"] = inputs;   // a rebuilt reward plug-in is another run
        return identity.ToJsonString();
    }

    static void EnsureSameRun(CheckpointSections sections, string identity, string path)
    {
        var saved = Encoding.UTF8.GetString(sections.Get("identity"));
        if (saved == identity) return;
        var difference = FirstDifference(JsonNode.Parse(saved), JsonNode.Parse(identity), "") ?? "(the settings)";
        throw new UsageException($"--resume: the checkpoint {path} was written with other settings: {difference}. Resume with the same options, or start again with --overwrite.");
    }

    static string? FirstDifference(JsonNode? saved, JsonNode? now, string where)
    {
        if (saved is JsonObject a && now is JsonObject b)
        {
            foreach (var key in a.Select(kv => kv.Key).Union(b.Select(kv => kv.Key)))
                if (FirstDifference(a[key], b[key], where.Length == 0 ? key : $"{where}.{key}") is { } d) return d;
            return null;
        }
        var x = saved?.ToJsonString() ?? "null";
        var y = now?.ToJsonString() ?? "null";
        return x == y ? null : $"{where} was {Echo.Of(x)}, now {Echo.Of(y)}";
    }

    /// <summary>Creates and locks the agent directory (one writer at a time), then checks it may be written as <paramref name="run"/> asks.</summary>
    static DirectoryLock PrepareDirectory(AgentTrainingOptions run, Action<string> log)
    {
        var dir = run.OutDir;
        OutputDirectory.Create(dir);
        var directoryLock = DirectoryLock.Acquire(dir, "agent directory");
        try
        {
            bool occupied = File.Exists(PpoAgent.PathIn(dir)) || File.Exists(Path.Combine(dir, CheckpointFile.FileName)) || File.Exists(Path.Combine(dir, "policy.json"));
            if (occupied && !run.Resume && !run.Overwrite)
                throw new UsageException($"'{Echo.Of(dir)}' already holds an agent or an agent run. Pass --resume to continue it, --overwrite to replace it, or choose another --out.");
            if (run.Overwrite && !run.Resume)
                RunOutputs.Delete(dir, PpoAgent.FileName, SummaryFile, ProgressFile, TensorBoardDir, "log.txt", CheckpointFile.FileName, CheckpointFile.PreviousFileName,
                    "policy.json", "agent.bin", "training.bin");
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
        if (directoryLock.StaleHolder is { } stale)
            log($"Took over the lock of {dir} from a process that ended without releasing it ({stale}).");
        return directoryLock;
    }

    static void DeleteProgressFiles(string dir)
    {
        File.Delete(Path.Combine(dir, ProgressFile));
        if (Directory.Exists(Path.Combine(dir, TensorBoardDir))) Directory.Delete(Path.Combine(dir, TensorBoardDir), recursive: true);
    }

    /// <summary>Cuts progress.csv and the TensorBoard event files back to what the checkpoint had seen (a killed run may have logged more).</summary>
    static void RestoreProgressFiles(string dir, CheckpointSections sections, Action<string> log)
    {
        var csv = Path.Combine(dir, ProgressFile);
        using var reader = sections.Open(sections.Contains(ProgressSection) ? ProgressSection : "progress");
        if (sections.Contains(ProgressSection)) CsvMetricSink.Truncate(csv, reader.ReadInt32());
        else
        {
            // A checkpoint of an RLMix that wrote progress.csv in long format (step,key,value): that file cannot be continued.
            reader.ReadInt64();
            if (File.Exists(csv)) File.Move(csv, csv + ".long-format", overwrite: true);
            log($"{ProgressFile} of this run was in the old long format; it was kept as {ProgressFile}.long-format and a new one starts here.");
        }
        var lengths = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = reader.ReadInt32(); i > 0; i--) lengths[reader.ReadString()] = reader.ReadInt64();
        var tb = Path.Combine(dir, TensorBoardDir);
        if (!Directory.Exists(tb)) return;
        foreach (var file in Directory.GetFiles(tb))
        {
            if (!lengths.TryGetValue(Path.GetFileName(file), out var length)) File.Delete(file);
            else if (new FileInfo(file).Length > length)
                using (var f = new FileStream(file, FileMode.Open)) f.SetLength(length);
        }
    }

    static void WriteProgressLengths(string dir, BinaryWriter writer)
    {
        writer.Write(CsvMetricSink.RowCount(Path.Combine(dir, ProgressFile)));
        var tb = Path.Combine(dir, TensorBoardDir);
        var files = Directory.Exists(tb) ? Directory.GetFiles(tb).Order(StringComparer.Ordinal).ToArray() : [];
        writer.Write(files.Length);
        foreach (var f in files)
        {
            writer.Write(Path.GetFileName(f));
            writer.Write(new FileInfo(f).Length);
        }
    }

    static void WriteSummary(string path, RunConfig config, RLMixOptions rl, Envs.Rewards.IRewardFunction reward, PpoOptions ppo, IReadOnlyList<EpisodeResult> results, double seconds) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new
        {
            dataset = config.Data.Dataset, model = config.Model, seed = config.Seed,
            // The reward as the run used it: its Name and type (a plug-in's path alone does not say which type of it ran).
            reward = reward.Name, reward_type = reward.GetType().FullName, reward_plugin = rl.RewardPlugin, preset = rl.Preset,
            ppo, seconds,
            episodes = results.Select(r => new { episode = r.Episode, mean_reward = r.MeanReward, total_reward = r.TotalReward, steps = r.Steps, terminated = r.Terminated }),
            versions = VersionInfo.All,
        }, ConfigFile.JsonOptions));

    /// <summary>Loop state saved in every checkpoint besides the agent and the session.</summary>
    sealed class RunState
    {
        public bool Finished;
        public double Seconds;
        public List<EpisodeResult> Episodes = [];

        public CheckpointSections Capture(string identity, PpoAgent agent, MixupSession session, string dir, double seconds) => new CheckpointSections()
            .Add("identity", Encoding.UTF8.GetBytes(identity))
            .Add("agent", agent.ToSections().ToArray())
            .Add("session", session.SaveState)
            .Add("run", w => Write(w, Seconds + seconds))
            .Add(ProgressSection, w => WriteProgressLengths(dir, w));

        void Write(BinaryWriter w, double seconds)
        {
            w.Write(Finished);
            w.Write(seconds);
            w.Write(Episodes.Count);
            foreach (var e in Episodes) { w.Write(e.Episode); w.Write(e.TotalReward); w.Write(e.Steps); w.Write(e.Terminated); }
        }

        public void Read(BinaryReader r)
        {
            Finished = r.ReadBoolean();
            Seconds = r.ReadDouble();
            Episodes = [];
            for (int n = r.ReadInt32(); n > 0; n--) Episodes.Add(new EpisodeResult(r.ReadInt32(), r.ReadDouble(), r.ReadInt32(), r.ReadBoolean()));
        }
    }
}

/// <summary>What <see cref="AgentTrainingRun.Run"/> produced.</summary>
/// <param name="AgentFile">The saved agent.</param>
/// <param name="Episodes">Every episode of the run (including those before a resume).</param>
/// <param name="NumTimesteps">Steps taken.</param>
/// <param name="Iterations">PPO updates.</param>
public sealed record AgentTrainingResult(string AgentFile, IReadOnlyList<EpisodeResult> Episodes, long NumTimesteps, int Iterations);

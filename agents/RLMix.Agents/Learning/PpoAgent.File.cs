using System.Text;
using System.Text.Json;
using RLMix.Envs.Mixup;
using RLMix.Envs.Spaces;
using RLMix.Errors;
using RLMix.IO;
using RLMix.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Agents.Learning;

// A saved agent is ONE file in the checkpoint format (CheckpointFile: magic, version, SHA-256), written
// through AtomicFile: a kill at any moment leaves either the old agent or the complete new one, never a
// description from one training beside the weights of another.
public sealed partial class PpoAgent
{
    /// <summary>The saved agent's file inside an agent directory.</summary>
    public const string FileName = "agent.rlmix";

    const string Format = "rlmix-agent/2";
    static readonly JsonSerializerOptions json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The agent file inside <paramref name="directory"/>.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    /// <summary>Saves everything as <see cref="FileName"/> in <paramref name="directory"/> (created if needed), atomically.</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var sections = ToSections();
        AtomicFile.Write(PathIn(directory), stream => CheckpointFile.Write(stream, sections));
    }

    /// <summary>The agent as checkpoint sections (what <see cref="Save"/> writes; also embedded in training checkpoints).</summary>
    public CheckpointSections ToSections()
    {
        var description = new Description(Format, Options, Spec, Seed, NumTimesteps, Iterations, NUpdates, EpisodesCompleted);
        return new CheckpointSections()
            .Add("description", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(description, json)))
            .Add("weights", w => Network.save(w))
            .Add("optimizer", w => Optimizer.save_state_dict(w))
            .AddGenerator("generator", Generator)
            .Add("rollout", WriteRollout);
    }

    /// <summary>Loads the agent saved in <paramref name="directory"/> by <see cref="Save"/>.</summary>
    /// <exception cref="UsageException">There is no agent in the directory (or one from an older version).</exception>
    /// <exception cref="DataException">The agent file is truncated, corrupt (checksum) or holds non-finite weights; the message names it.</exception>
    public static PpoAgent Load(string directory)
    {
        var path = PathIn(directory);
        if (!File.Exists(path))
        {
            if (File.Exists(Path.Combine(directory, "policy.json")))
                throw new UsageException($"'{directory}' holds an agent in the old three-file format (policy.json, agent.bin, training.bin), which had no checksum; train it again with `rlmix agent train --out {directory} --overwrite`.");
            throw new UsageException($"No agent in '{directory}': {FileName} is missing. Train one with `rlmix agent train --out {directory}`.");
        }
        return FromSections(CheckpointFile.Read(path), path);
    }

    /// <summary>Loads an agent and checks that it fits an env with these spaces and observation layout (null: no saliency grid).</summary>
    public static PpoAgent Load(string directory, ISpace observationSpace, ISpace actionSpace, ObservationLayout? layout)
    {
        var agent = Load(directory);
        try { agent.EnsureFits(observationSpace, actionSpace, layout, $"'{directory}'"); }
        catch { agent.Dispose(); throw; }
        return agent;
    }

    /// <summary>Rebuilds an agent from <see cref="ToSections"/>; <paramref name="source"/> names the file in messages.</summary>
    /// <exception cref="DataException">The sections are not a readable agent, or a weight is NaN or infinite.</exception>
    public static PpoAgent FromSections(CheckpointSections sections, string source)
    {
        Description description;
        try
        {
            description = JsonSerializer.Deserialize<Description>(sections.Get("description"), json) ?? throw new JsonException("empty document");
        }
        catch (Exception e) when (e is JsonException or UsageException)
        {
            throw new DataException($"Agent file {source} has no valid description ({e.Message}).", e);
        }
        if (description.Format != Format)
            throw new DataException($"Agent file {source} has format '{description.Format}'; this version reads '{Format}'. Train the agent again.");

        PpoAgent agent;
        try { agent = new PpoAgent(description.Options, description.Spec, description.Seed); }
        catch (UsageException e) { throw new DataException($"Agent file {source} describes an agent this version cannot build: {e.Message}", e); }
        try
        {
            using (var r = sections.Open("weights")) agent.Network.load(r);
            agent.EnsureFiniteWeights(source);
            using (var r = sections.Open("optimizer")) agent.Optimizer.load_state_dict(r);
            sections.RestoreGenerator("generator", agent.Generator);
            using (var r = sections.Open("rollout")) agent.ReadRollout(r);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException or UsageException or System.Runtime.InteropServices.ExternalException)
        {
            agent.Dispose();
            throw new DataException($"Agent file {source} cannot be read ({e.Message}); it is damaged or from another version.", e);
        }
        catch
        {
            agent.Dispose();
            throw;
        }
        agent.NumTimesteps = description.NumTimesteps;
        agent.Iterations = description.Iterations;
        agent.NUpdates = description.NUpdates;
        agent.EpisodesCompleted = description.EpisodesCompleted;
        return agent;
    }

    void EnsureFiniteWeights(string source)
    {
        using var scope = NewDisposeScope();
        foreach (var (name, parameter) in Network.named_parameters())
            if (!isfinite(parameter).all().item<bool>())
                throw new DataException($"Agent file {source} holds NaN or infinite weights (in '{name}'); the agent diverged or the file was altered. Train it again.");
    }

    void WriteRollout(BinaryWriter writer)
    {
        Buffer.Save(writer);
        writer.Write(lastObservation is not null);
        if (lastObservation is not null)
            foreach (var key in lastObservation.Keys.Order(StringComparer.Ordinal))
            {
                writer.Write(key);
                lastObservation[key].Save(writer);
            }
        writer.Write(LastEpisodeStart);
        writer.Write(CurrentEpisodeReward);
        writer.Write(CurrentEpisodeLength);
        writer.Write(recentEpisodes.Count);
        foreach (var (reward, length) in recentEpisodes)
        {
            writer.Write(reward);
            writer.Write(length);
        }
    }

    void ReadRollout(BinaryReader reader)
    {
        Buffer.Load(reader);
        if (reader.ReadBoolean())
        {
            var observation = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var _ in Spec.ObservationShapes.Keys)
            {
                var key = reader.ReadString();
                observation[key] = TensorExtensionMethods.Load(reader).DetachFromDisposeScope();
            }
            DisposeLastObservation();
            lastObservation = observation;
        }
        LastEpisodeStart = reader.ReadBoolean();
        CurrentEpisodeReward = reader.ReadDouble();
        CurrentEpisodeLength = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (count < 0 || count > RecentEpisodeCount) throw new InvalidOperationException($"invalid episode count {count}");
        recentEpisodes.Clear();
        for (var i = 0; i < count; i++) recentEpisodes.Enqueue((reader.ReadDouble(), reader.ReadInt32()));
    }

    /// <summary>The description section: format, options, spec, counters.</summary>
    sealed record Description(string Format, PpoOptions Options, AgentSpec Spec, long Seed, long NumTimesteps, int Iterations, long NUpdates, int EpisodesCompleted);
}

using RLMix.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Envs.Mixup;

// Saving and restoring the env between steps, for checkpoints of `rlmix agent train`. The classifier
// (the backend's trainer) is saved by its owner; here: the episode counters, the generator, and each
// epoch cursor's place in the data and its clean pass (saved, not recomputed: the model has trained since).
public sealed partial class MixupEnv
{
    /// <summary>
    /// Writes the env's state between steps: epoch, step in the episode, the generator, the place in the
    /// data and the current clean pass. The batch source must give the same batches on <see cref="LoadState"/>
    /// (the data loader's order depends only on its seed and the epoch). A reward function's own state, if
    /// it has any, is not saved.
    /// </summary>
    public void SaveState(BinaryWriter writer)
    {
        writer.Write(epoch);
        writer.Write(stepsInEpisode);
        writer.Write(runFinished);
        writer.Write(guard.Started);
        writer.Write(guard.Done);
        using (var state = generator.get_state()) state.Save(writer);
        WriteCursor(writer, current);
        WriteCursor(writer, pending);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote into an env built with the same data, options and batch size.</summary>
    /// <exception cref="DataException">The data no longer has the saved place.</exception>
    public void LoadState(BinaryReader reader)
    {
        DisposeStepOutputs();
        current?.Dispose();
        pending?.Dispose();
        current = pending = null;
        epoch = reader.ReadInt32();
        stepsInEpisode = reader.ReadInt32();
        runFinished = reader.ReadBoolean();
        var started = reader.ReadBoolean();
        guard.Restore(started, done: reader.ReadBoolean());
        using (var state = TensorExtensionMethods.Load(reader)) generator.set_state(state);
        current = ReadCursor(reader);
        pending = ReadCursor(reader);
    }

    static void WriteCursor(BinaryWriter writer, EpochCursor? cursor)
    {
        writer.Write(cursor is not null);
        if (cursor is null) return;
        writer.Write(cursor.Epoch);
        writer.Write(cursor.Taken);
        writer.Write(cursor.Batch is not null);
        if (cursor.Batch is null) return;
        using var scope = NewDisposeScope();
        foreach (var t in new[] { cursor.Saliency, cursor.Logits, cursor.Observation }) t.contiguous().Save(writer);   // a backend may return views
    }

    EpochCursor? ReadCursor(BinaryReader reader)
    {
        if (!reader.ReadBoolean()) return null;
        var number = reader.ReadInt32();
        var taken = reader.ReadInt32();
        (Tensor, Tensor, Tensor)? pass = null;
        if (reader.ReadBoolean())
            pass = (TensorExtensionMethods.Load(reader).DetachFromDisposeScope(), TensorExtensionMethods.Load(reader).DetachFromDisposeScope(),
                TensorExtensionMethods.Load(reader).DetachFromDisposeScope());
        var cursor = new EpochCursor(number, batchSource(number).GetEnumerator());
        try
        {
            if (pass is not null) cursor.Restore(taken, pass);
        }
        catch
        {
            cursor.Dispose();
            throw;
        }
        return cursor;
    }
}

namespace RLMix.Training;

/// <summary>Receives progress from a <see cref="TrainingRun"/> (the CLI shows it as a progress bar or log lines).</summary>
public interface ITrainingObserver
{
    /// <summary>The run is about to train; <paramref name="startEpoch"/>/<paramref name="startBatch"/> are where it resumes.</summary>
    void Started(int epochs, int batchesPerEpoch, int startEpoch, int startBatch) { }

    /// <summary>A batch finished with training loss <paramref name="loss"/>; <paramref name="images"/> were processed.</summary>
    void BatchDone(int epoch, int batch, double loss, int images) { }

    /// <summary>An epoch finished and was evaluated.</summary>
    void EpochDone(EpochRecord record) { }

    /// <summary>Batch <paramref name="batch"/> of <paramref name="batches"/> of the final evaluation (test error, ECE, FGSM) is done.</summary>
    void EvaluationBatchDone(int batch, int batches) { }

    /// <summary>A line worth logging (resume, checkpoint fallback, skipped batch).</summary>
    void Info(string message) { }
}

namespace RLMix.Training;

/// <summary>A run stopped on request (Ctrl-C, SIGTERM) after writing a checkpoint it can resume from.</summary>
public sealed class RunInterruptedException(string outDir, int epoch, int batch)
    : Exception($"Interrupted at epoch {epoch}, batch {batch}; a checkpoint was written to {outDir}. Run the same command with --resume to continue (rlmix compare needs no flag: it resumes unfinished cells by itself).")
{
    /// <summary>The run directory holding the checkpoint.</summary>
    public string OutDir { get; } = outDir;
}

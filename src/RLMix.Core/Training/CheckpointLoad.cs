namespace RLMix.Training;

/// <summary>The outcome of <see cref="CheckpointFile.TryLoadLatest"/>.</summary>
/// <param name="Path">The file the sections were read from.</param>
/// <param name="Sections">The checkpoint's payload.</param>
/// <param name="UsedPrevious">True when the latest checkpoint was missing or damaged and the previous one was used.</param>
/// <param name="Problem">Why the latest checkpoint was not used (a message naming its path), when <paramref name="UsedPrevious"/>.</param>
public sealed record CheckpointLoad(string Path, CheckpointSections Sections, bool UsedPrevious, string? Problem);

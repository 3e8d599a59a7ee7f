namespace RLMix.Data;

/// <summary>The contents of an IDX image file: <paramref name="Count"/> images of <paramref name="Rows"/> x <paramref name="Cols"/> unsigned bytes, row-major, one after another.</summary>
public sealed record IdxImages(byte[] Pixels, int Count, int Rows, int Cols);

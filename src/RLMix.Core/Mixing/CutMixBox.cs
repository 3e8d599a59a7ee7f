namespace RLMix.Mixing;

/// <summary>
/// A CutMix box in pixel coordinates, half-open: columns [X0, X1) along the width, rows [Y0, Y1)
/// along the height. An empty box (X0 == X1 or Y0 == Y1) pastes nothing.
/// </summary>
public sealed record CutMixBox(int X0, int Y0, int X1, int Y1)
{
    /// <summary>Number of pixels inside the box.</summary>
    public int Area => (X1 - X0) * (Y1 - Y0);
}

namespace RLMix.Mixing.CoMixup;

/// <summary>
/// The labeling z of a whole batch: for output j and grid cell k, the inputs <c>First[j*n+k]</c> and
/// <c>Second[j*n+k]</c> (batch indices), each with weight 1/2; equal indices mean the cell comes from
/// one input. Outputs only draw on inputs of their own partition.
/// </summary>
/// <param name="BatchSize">B (inputs = outputs).</param>
/// <param name="GridHeight">Grid rows h.</param>
/// <param name="GridWidth">Grid columns w.</param>
/// <param name="PartitionSize">Images per partition (the last may be smaller).</param>
/// <param name="First">First input per output and cell, <c>[B, h*w]</c>.</param>
/// <param name="Second">Second input per output and cell, <c>[B, h*w]</c>.</param>
public sealed record CoMixupAssignment(int BatchSize, int GridHeight, int GridWidth, int PartitionSize, int[] First, int[] Second)
{
    /// <summary>Cells per image, n = h*w.</summary>
    public int Cells => GridHeight * GridWidth;

    /// <summary>Weight (0, 0.5 or 1) of input <paramref name="input"/> in cell <paramref name="cell"/> of output <paramref name="output"/>.</summary>
    public float Weight(int output, int input, int cell)
    {
        var idx = output * Cells + cell;
        return (First[idx] == input ? 0.5f : 0f) + (Second[idx] == input ? 0.5f : 0f);
    }

    /// <summary>The mask z as a dense row-major array <c>[B (outputs), B (inputs), h, w]</c> of 0, 0.5 and 1.</summary>
    public float[] ToDenseMask()
    {
        var n = Cells;
        var mask = new float[(long)BatchSize * BatchSize * n];
        for (var j = 0; j < BatchSize; j++)
        {
            for (var k = 0; k < n; k++)
            {
                var idx = j * n + k;
                mask[((long)j * BatchSize + First[idx]) * n + k] += 0.5f;
                mask[((long)j * BatchSize + Second[idx]) * n + k] += 0.5f;
            }
        }
        return mask;
    }
}

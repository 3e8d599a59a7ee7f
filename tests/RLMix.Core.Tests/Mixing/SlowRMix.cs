namespace RLMix.Core.Tests.Mixing;

/// <summary>
/// A deliberately plain, per-pixel R-Mix (equations 3-7) on flat row-major arrays, written from the
/// paper, to cross-check the batched implementation. Its own quantile: sort, r = q (n - 1),
/// linear interpolation between the neighbouring order statistics.
/// </summary>
static class SlowRMix
{
    public static (float[] Images, float[] Targets) Mix(float[] images, float[] targets, float[] saliency, float[] q,
        double lambda, long[] perm, int p, int b, int c, int side, int k)
    {
        int cell = side / p;
        var masks = new bool[b][,];
        for (int n = 0; n < b; n++)
        {
            // Eq. 3: block means, normalized to sum 1.
            var pooled = new double[p, p];
            double total = 0;
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++)
                {
                    double sum = 0;
                    for (int y = i * cell; y < (i + 1) * cell; y++)
                        for (int x = j * cell; x < (j + 1) * cell; x++)
                            sum += saliency[(n * side + y) * side + x];
                    pooled[i, j] = sum / (cell * cell);
                    total += pooled[i, j];
                }
            var values = new List<double>();
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++)
                {
                    pooled[i, j] /= total;
                    values.Add(pooled[i, j]);
                }
            // Eq. 4 with a linear-interpolation quantile.
            values.Sort();
            double r = (double)q[n] * (values.Count - 1);
            int lo = (int)Math.Floor(r), hi = (int)Math.Ceiling(r);
            double threshold = values[lo] + (r - lo) * (values[hi] - values[lo]);
            masks[n] = new bool[p, p];
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++)
                    masks[n][i, j] = pooled[i, j] >= threshold;
        }

        var outImages = new float[images.Length];
        var outTargets = new float[targets.Length];
        for (int n = 0; n < b; n++)
        {
            int partner = (int)perm[n];
            int inter = 0, self = 0, other = 0;
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    bool m0 = masks[n][y / cell, x / cell], m1 = masks[partner][y / cell, x / cell];
                    if (m0 == m1) inter++; else if (m0) self++; else other++;
                    for (int ch = 0; ch < c; ch++)
                    {
                        double v0 = images[((n * c + ch) * side + y) * side + x];
                        double v1 = images[((partner * c + ch) * side + y) * side + x];
                        // Eq. 6.
                        outImages[((n * c + ch) * side + y) * side + x] = (float)(m0 == m1 ? lambda * v0 + (1 - lambda) * v1 : m0 ? v0 : v1);
                    }
                }
            double area = side * side;
            for (int j = 0; j < k; j++)
            {
                double y0 = targets[n * k + j], y1 = targets[partner * k + j];
                // Eq. 7.
                outTargets[n * k + j] = (float)(inter / area * (lambda * y0 + (1 - lambda) * y1) + (self * y0 + other * y1) / area);
            }
        }
        return (outImages, outTargets);
    }
}

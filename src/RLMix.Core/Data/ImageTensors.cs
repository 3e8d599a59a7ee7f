using TorchSharp;
using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>Turns the bytes the readers return into the one contiguous float tensor a data set holds.</summary>
internal static class ImageTensors
{
    /// <summary>float32 <c>[n, c, h, w]</c> = bytes / 255, in one contiguous CPU tensor.</summary>
    public static Tensor FromBytes(byte[] pixels, int n, int c, int h, int w)
    {
        var images = empty([n, c, h, w], ScalarType.Float32);
        CopyInto(images, 0, pixels, n);
        return images;
    }

    /// <summary>Writes <paramref name="n"/> images of bytes / 255 into rows [offset, offset + n) of a float32 <c>[N, C, H, W]</c> tensor.</summary>
    public static void CopyInto(Tensor images, long offset, byte[] pixels, int n)
    {
        using var scope = NewDisposeScope();
        long[] shape = [n, images.shape[1], images.shape[2], images.shape[3]];
        var bytes = tensor(pixels, shape, ScalarType.Byte);
        images.narrow(0, offset, n).copy_(bytes).div_(255f); // copy_ converts in place: no float32 temporary
    }

    /// <summary>Labels as int64 values, each checked to be in [0, <paramref name="numClasses"/>).</summary>
    public static long[] CheckLabels(ReadOnlySpan<byte> labels, int numClasses, string source, string howToGet)
    {
        var values = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= numClasses)
                throw DataFile.Fail(source, $"label {labels[i]} of item {i} is out of range: this data set has classes 0..{numClasses - 1}; the file is corrupt", howToGet);
            values[i] = labels[i];
        }
        return values;
    }
}

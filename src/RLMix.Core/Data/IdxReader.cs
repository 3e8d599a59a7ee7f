using System.Buffers.Binary;
using RLMix.Errors;
using static TorchSharp.torch;

namespace RLMix.Data;

/// <summary>
/// Reads IDX files (the MNIST / Fashion-MNIST format; LeCun et al.), gzip-compressed or raw, detected by
/// the gzip magic bytes 1f 8b. A header is a big-endian magic number <c>00 00 TYPE NDIM</c> followed by
/// NDIM big-endian uint32 sizes; RLMix reads unsigned-byte (TYPE 0x08) images (NDIM 3) and labels (NDIM 1).
/// Sizes are checked against the real (decompressed) length before any buffer of that size is allocated,
/// so a corrupt header claiming 10^12 images is refused at once. Every problem is a <see cref="DataException"/>
/// naming the file and how to get good data.
/// </summary>
public static class IdxReader
{
    /// <summary>Magic number of an IDX file of unsigned-byte images: type 0x08, 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an IDX file of unsigned-byte labels: type 0x08, 1 dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    private const string DefaultHowToGet = "Check the file or obtain a fresh copy of the data set.";

    /// <summary>Reads an IDX image file (gzip or raw).</summary>
    /// <param name="howToGet">A sentence for the error message saying how to get the data.</param>
    public static IdxImages ReadImages(string path, string? howToGet = null)
    {
        using var stream = DataFile.Open(path, howToGet ?? DefaultHowToGet);
        return ReadImages(stream, path, howToGet);
    }

    /// <summary>Reads IDX images from a seekable stream (gzip or raw); <paramref name="source"/> names it in errors.</summary>
    public static IdxImages ReadImages(Stream stream, string source, string? howToGet = null)
    {
        var (dims, payload) = Read(stream, source, ImagesMagic, "images", howToGet ?? DefaultHowToGet);
        return new IdxImages(payload, (int)dims[0], (int)dims[1], (int)dims[2]);
    }

    /// <summary>Reads an IDX label file (gzip or raw): one byte per label.</summary>
    public static byte[] ReadLabels(string path, string? howToGet = null)
    {
        using var stream = DataFile.Open(path, howToGet ?? DefaultHowToGet);
        return ReadLabels(stream, path, howToGet);
    }

    /// <summary>Reads IDX labels from a seekable stream (gzip or raw); <paramref name="source"/> names it in errors.</summary>
    public static byte[] ReadLabels(Stream stream, string source, string? howToGet = null) =>
        Read(stream, source, LabelsMagic, "labels", howToGet ?? DefaultHowToGet).Payload;

    /// <summary>
    /// Reads an image file and its label file into an <see cref="ImageDataset"/> (float32 <c>[N, 1, rows, cols]</c> in [0, 1]);
    /// checks that the counts agree and every label is below <paramref name="numClasses"/>.
    /// </summary>
    public static ImageDataset LoadDataset(string name, string imagesPath, string labelsPath, int numClasses, string? howToGet = null)
    {
        var images = ReadImages(imagesPath, howToGet);
        var labels = ReadLabels(labelsPath, howToGet);
        return ToDataset(name, images, labels, imagesPath, labelsPath, numClasses, howToGet ?? DefaultHowToGet);
    }

    /// <summary>Same as <see cref="LoadDataset(string, string, string, int, string?)"/> for already opened streams.</summary>
    public static ImageDataset LoadDataset(string name, Stream images, string imagesSource, Stream labels, string labelsSource,
        int numClasses, string? howToGet = null) =>
        ToDataset(name, ReadImages(images, imagesSource, howToGet), ReadLabels(labels, labelsSource, howToGet),
            imagesSource, labelsSource, numClasses, howToGet ?? DefaultHowToGet);

    private static ImageDataset ToDataset(string name, IdxImages images, byte[] labels, string imagesSource, string labelsSource,
        int numClasses, string howToGet)
    {
        if (images.Count != labels.Length)
            throw DataFile.Fail(labelsSource, $"holds {labels.Length:N0} labels but {imagesSource} holds {images.Count:N0} images; the files do not belong together", howToGet);
        var labelValues = ImageTensors.CheckLabels(labels, numClasses, labelsSource, howToGet);
        return new ImageDataset(name,
            ImageTensors.FromBytes(images.Pixels, images.Count, 1, images.Rows, images.Cols),
            tensor(labelValues),
            numClasses);
    }

    private static (uint[] Dims, byte[] Payload) Read(Stream stream, string source, int expectedMagic, string kind, string howToGet)
    {
        var (payloadStream, knownLength) = DataFile.Decompressed(stream);
        try
        {
            int expectedDims = expectedMagic & 0xFF;
            byte[] magicBytes = DataFile.ReadHeader(payloadStream, 4, source, howToGet);
            int magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
            if (magic != expectedMagic)
                throw DataFile.Fail(source, DescribeBadMagic(magicBytes, expectedMagic, kind), howToGet);

            byte[] dimBytes = DataFile.ReadHeader(payloadStream, 4 * expectedDims, source, howToGet);
            var dims = new uint[expectedDims];
            long elements = 1;
            for (int i = 0; i < expectedDims; i++)
            {
                dims[i] = BinaryPrimitives.ReadUInt32BigEndian(dimBytes.AsSpan(4 * i));
                if (dims[i] == 0)
                    throw DataFile.Fail(source, $"header gives size 0 for dimension {i} of the {kind}; the file holds no data", howToGet);
                // Both factors are at most 2^32, and the running product stays below 2^31 + 1, so no overflow.
                elements *= dims[i];
                if (elements > DataFile.MaxPayloadBytes)
                    throw DataFile.Fail(source, $"header claims sizes [{string.Join(", ", dims.Take(i + 1))}{(i + 1 < expectedDims ? ", ..." : "")}], more than the {DataFile.MaxPayloadBytes:N0} bytes any data file may hold; the header is corrupt", howToGet);
            }

            long? remaining = knownLength - 4 - 4 * expectedDims;
            byte[] payload = DataFile.ReadPayload(payloadStream, elements, remaining, source, howToGet);
            return (dims, payload);
        }
        finally
        {
            if (!ReferenceEquals(payloadStream, stream))
                payloadStream.Dispose();
        }
    }

    private static string DescribeBadMagic(byte[] m, int expectedMagic, string kind)
    {
        string found = $"0x{m[0]:X2}{m[1]:X2}{m[2]:X2}{m[3]:X2}";
        string expected = $"0x{expectedMagic:X8}";
        if (m[0] != 0 || m[1] != 0)
            return $"not an IDX file: magic number {found}, expected {expected} for IDX {kind}";
        if (m[2] != 0x08)
            return $"IDX element type 0x{m[2]:X2} ({TypeName(m[2])}) is not supported: RLMix reads unsigned-byte IDX files (type 0x08); magic number {found}, expected {expected}";
        return $"IDX file has {m[3]} dimensions but IDX {kind} have {expectedMagic & 0xFF} (magic number {found}, expected {expected}); is this the {(kind == "images" ? "labels" : "images")} file?";
    }

    private static string TypeName(byte t) => t switch
    {
        0x09 => "signed byte",
        0x0B => "int16",
        0x0C => "int32",
        0x0D => "float32",
        0x0E => "float64",
        _ => "unknown type",
    };
}

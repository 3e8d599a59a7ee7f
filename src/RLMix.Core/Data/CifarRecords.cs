namespace RLMix.Data;

/// <summary>The records of one CIFAR binary file: <paramref name="Pixels"/> holds each image's 3072 bytes (1024 red, 1024 green, 1024 blue, each 32x32 row-major, so <c>[3, 32, 32]</c>), one image after another; <paramref name="Labels"/> the class of each (the fine label for CIFAR-100).</summary>
public sealed record CifarRecords(byte[] Pixels, byte[] Labels)
{
    /// <summary>Number of records.</summary>
    public int Count => Labels.Length;
}

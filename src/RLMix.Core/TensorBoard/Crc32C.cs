namespace RLMix.TensorBoard;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of TFRecord framing, and
/// TensorFlow's "masked" form of it, which TFRecord stores so that a CRC of data holding CRCs stays strong.
/// </summary>
public static class Crc32C
{
    static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/> (check value: "123456789" gives 0xE3069283).</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>TensorFlow's <c>crc32c::Mask</c>: rotate right by 15 bits, add 0xA282EAD8.</summary>
    public static uint Mask(uint crc) => unchecked(((crc >> 15) | (crc << 17)) + 0xA282EAD8u);

    /// <summary>The masked CRC-32C of <paramref name="data"/>, as TFRecord stores it.</summary>
    public static uint Masked(ReadOnlySpan<byte> data) => Mask(Compute(data));

    static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }
}

using System.Text;

namespace RLMix.Core.Tests.Build;

/// <summary>
/// Writes a minimal ELF64 little-endian shared object with a .gnu.version_r section that requires
/// the given versions of libstdc++.so.6, so the patcher can be tested without a real library.
/// Layout: ELF header | .dynstr | .gnu.version_r | .shstrtab | section headers.
/// </summary>
internal static class TinyElf
{
    public static byte[] Build(params string[] versions)
    {
        var dynstr = new MemoryStream();
        dynstr.WriteByte(0);
        int fileName = AddString(dynstr, "libstdc++.so.6");
        var nameOffsets = versions.Select(v => AddString(dynstr, v)).ToArray();

        // One Verneed entry followed by its Vernaux entries (16 bytes each).
        var verneed = new MemoryStream();
        var w = new BinaryWriter(verneed);
        w.Write((ushort)1); w.Write((ushort)versions.Length); w.Write((uint)fileName); w.Write(16u); w.Write(0u);
        for (int i = 0; i < versions.Length; i++)
        {
            w.Write(0u); // vna_hash (unused by the patcher)
            w.Write((ushort)0); // vna_flags
            w.Write((ushort)(2 + i)); // vna_other
            w.Write((uint)nameOffsets[i]);
            w.Write(i == versions.Length - 1 ? 0u : 16u);
        }

        var shstr = new MemoryStream();
        shstr.WriteByte(0);
        int nDynstr = AddString(shstr, ".dynstr"), nVerneed = AddString(shstr, ".gnu.version_r"), nShstr = AddString(shstr, ".shstrtab");

        long dynstrOff = 64, verneedOff = dynstrOff + dynstr.Length, shstrOff = verneedOff + verneed.Length;
        long shoff = (shstrOff + shstr.Length + 7) / 8 * 8;

        var file = new MemoryStream();
        var f = new BinaryWriter(file);
        f.Write(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0 }); f.Write(new byte[8]);
        f.Write((ushort)3); f.Write((ushort)62); f.Write(1u); // ET_DYN, x86-64, EV_CURRENT
        f.Write(0ul); f.Write(0ul); f.Write((ulong)shoff); f.Write(0u); // entry, phoff, shoff, flags
        f.Write((ushort)64); f.Write((ushort)56); f.Write((ushort)0); // ehsize, phentsize, phnum
        f.Write((ushort)64); f.Write((ushort)4); f.Write((ushort)3); // shentsize, shnum, shstrndx
        f.Write(dynstr.ToArray()); f.Write(verneed.ToArray()); f.Write(shstr.ToArray());
        while (file.Length < shoff) f.Write((byte)0);

        WriteSection(f, 0, 0, 0, 0, 0, 0);
        WriteSection(f, nDynstr, 3, dynstrOff, dynstr.Length, 0, 0);
        WriteSection(f, nVerneed, 0x6ffffffe, verneedOff, verneed.Length, 1, 1);
        WriteSection(f, nShstr, 3, shstrOff, shstr.Length, 0, 0);
        return file.ToArray();
    }

    static int AddString(MemoryStream s, string value)
    {
        int at = (int)s.Length;
        s.Write(Encoding.ASCII.GetBytes(value + "\0"));
        return at;
    }

    static void WriteSection(BinaryWriter f, int name, uint type, long offset, long size, uint link, uint info)
    {
        f.Write((uint)name); f.Write(type); f.Write(0ul); f.Write(0ul);
        f.Write((ulong)offset); f.Write((ulong)size); f.Write(link); f.Write(info); f.Write(1ul); f.Write(0ul);
    }
}

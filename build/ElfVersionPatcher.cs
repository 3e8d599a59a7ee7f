// Marks one symbol-version requirement of an ELF shared object as weak (VER_FLG_WEAK), so that the
// dynamic loader accepts a system library that lacks that version. Used at build time to let
// TorchSharp's libLibTorchSharp.so (built against GCC 13, GLIBCXX_3.4.32) load on Debian 12 and
// Ubuntu 22.04, whose libstdc++ stops at GLIBCXX_3.4.30. The one symbol that needs 3.4.32 is never
// called (see README, Troubleshooting). Shared by the MSBuild task and the tests, so it has no
// dependencies beyond the BCL.
#nullable enable
using System;
using System.IO;
using System.Text;

namespace RLMix.Build
{
    /// <summary>What <see cref="ElfVersionPatcher.MarkVersionWeak"/> did.</summary>
    public enum ElfPatchOutcome
    {
        /// <summary>The flag was set and the file rewritten.</summary>
        Patched,
        /// <summary>The requirement was already weak; the file was not touched.</summary>
        AlreadyWeak,
        /// <summary>The file does not require that version; the file was not touched.</summary>
        VersionNotRequired,
    }

    /// <summary>The file is not an ELF object this patcher understands, or its structure is inconsistent.</summary>
    public sealed class ElfFormatException : Exception
    {
        /// <summary>Creates the exception with a message naming the file and the problem.</summary>
        public ElfFormatException(string message) : base(message) { }
    }

    /// <summary>Sets VER_FLG_WEAK on a Vernaux entry of an ELF64 little-endian shared object.</summary>
    public static class ElfVersionPatcher
    {
        const uint ShtGnuVerneed = 0x6ffffffe;
        const ushort VerFlgWeak = 0x2;

        /// <summary>
        /// Marks the requirement <paramref name="versionName"/> (e.g. GLIBCXX_3.4.32) weak in
        /// <paramref name="path"/>. Idempotent. The whole structure is validated before anything is
        /// written, and the file is replaced atomically (temporary file, then rename).
        /// </summary>
        /// <exception cref="ElfFormatException">The file is not a well-formed ELF64 LE object.</exception>
        public static ElfPatchOutcome MarkVersionWeak(string path, string versionName)
        {
            byte[] bytes = File.ReadAllBytes(path);
            int flagsOffset = FindVernauxFlags(bytes, versionName, path);
            if (flagsOffset < 0) return ElfPatchOutcome.VersionNotRequired;
            ushort flags = BitConverter.ToUInt16(bytes, flagsOffset);
            if ((flags & VerFlgWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
            flags |= VerFlgWeak;
            bytes[flagsOffset] = (byte)(flags & 0xff);
            bytes[flagsOffset + 1] = (byte)(flags >> 8);

            string tmp = path + ".rlmix-patch.tmp";
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
            {
                fs.Write(bytes, 0, bytes.Length);
                fs.Flush(true);
            }
            File.Replace(tmp, path, null); // rename(2): readers see the old or the new file, never a mix
            return ElfPatchOutcome.Patched;
        }

        /// <summary>Whether <paramref name="path"/> requires <paramref name="versionName"/> and it is weak.</summary>
        public static bool? IsVersionWeak(string path, string versionName)
        {
            byte[] bytes = File.ReadAllBytes(path);
            int flagsOffset = FindVernauxFlags(bytes, versionName, path);
            if (flagsOffset < 0) return null;
            return (BitConverter.ToUInt16(bytes, flagsOffset) & VerFlgWeak) != 0;
        }

        /// <summary>Whether a library file defines the given symbol version (a plain byte search of its version strings).</summary>
        public static bool LibraryDefinesVersion(string libraryPath, string versionName)
        {
            byte[] needle = Encoding.ASCII.GetBytes(versionName + "\0");
            byte[] hay = File.ReadAllBytes(libraryPath);
            for (int i = 0; i + needle.Length <= hay.Length; i++)
            {
                int k = 0;
                while (k < needle.Length && hay[i + k] == needle[k]) k++;
                if (k == needle.Length) return true;
            }
            return false;
        }

        /// <summary>Byte offset of vna_flags of the Vernaux entry named <paramref name="versionName"/>, or -1.</summary>
        static int FindVernauxFlags(byte[] b, string versionName, string path)
        {
            string Fail(string what) => throw new ElfFormatException($"{path}: not a valid ELF64 shared object ({what}).");
            if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
                Fail("no ELF magic number");
            if (b[4] != 2) Fail("not ELFCLASS64");
            if (b[5] != 1) Fail("not little-endian");

            ulong shoff = U64(b, 0x28);
            ushort shentsize = U16(b, 0x3a), shnum = U16(b, 0x3c);
            if (shentsize != 64) Fail($"section header size {shentsize}, expected 64");
            if (shnum == 0 || shoff == 0 || shoff + (ulong)shnum * 64 > (ulong)b.Length) Fail("section header table lies outside the file (truncated?)");

            for (int i = 0; i < shnum; i++)
            {
                int sh = checked((int)shoff + i * 64);
                if (U32(b, sh + 4) != ShtGnuVerneed) continue;
                ulong offset = U64(b, sh + 0x18), size = U64(b, sh + 0x20);
                uint link = U32(b, sh + 0x28), count = U32(b, sh + 0x2c); // sh_info = number of Verneed entries
                if (offset + size > (ulong)b.Length) Fail(".gnu.version_r lies outside the file (truncated?)");
                if (link >= shnum) Fail(".gnu.version_r links to a missing string table");
                int strSh = checked((int)shoff + (int)link * 64);
                ulong strOff = U64(b, strSh + 0x18), strSize = U64(b, strSh + 0x20);
                if (strOff + strSize > (ulong)b.Length) Fail("string table lies outside the file (truncated?)");

                ulong need = offset;
                for (uint n = 0; n < count; n++)
                {
                    if (need + 16 > offset + size) Fail("Verneed entry outside .gnu.version_r");
                    ushort cnt = U16(b, (int)need + 2);
                    uint aux = U32(b, (int)need + 8), next = U32(b, (int)need + 12);
                    ulong a = need + aux;
                    for (int k = 0; k < cnt; k++)
                    {
                        if (a + 16 > offset + size) Fail("Vernaux entry outside .gnu.version_r");
                        uint name = U32(b, (int)a + 8);
                        if (name >= strSize) Fail("Vernaux name outside the string table");
                        if (ReadCString(b, (int)(strOff + name), (int)(strOff + strSize)) == versionName)
                            return (int)a + 4;
                        uint anext = U32(b, (int)a + 12);
                        if (anext == 0) break;
                        a += anext;
                    }
                    if (next == 0) break;
                    need += next;
                }
                return -1;
            }
            return -1;
        }

        static string ReadCString(byte[] b, int start, int end)
        {
            int i = start;
            while (i < end && b[i] != 0) i++;
            return Encoding.ASCII.GetString(b, start, i - start);
        }

        static ushort U16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
        static uint U32(byte[] b, int o) => BitConverter.ToUInt32(b, o);
        static ulong U64(byte[] b, int o) => BitConverter.ToUInt64(b, o);
    }
}

#if !RLMIX_PATCHER_ONLY
namespace RLMix.Build
{
    /// <summary>
    /// MSBuild task: makes the build output's libLibTorchSharp.so loadable where the system
    /// libstdc++ lacks GLIBCXX_3.4.32. A no-op where the system library has it or the file is absent.
    /// </summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        /// <summary>libLibTorchSharp.so files in the output to check.</summary>
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = System.Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Paths where the system libstdc++.so.6 may be; the first that exists is read.</summary>
        public string[] SystemLibraryCandidates { get; set; } = new[]
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
            "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };

        /// <summary>The version requirement to mark weak.</summary>
        public string Version { get; set; } = "GLIBCXX_3.4.32";

        /// <inheritdoc />
        public override bool Execute()
        {
            string? system = System.Array.Find(SystemLibraryCandidates, File.Exists);
            if (system == null || ElfVersionPatcher.LibraryDefinesVersion(system, Version)) return true;
            foreach (var item in Files)
            {
                string path = item.ItemSpec;
                if (!File.Exists(path)) continue;
                try
                {
                    var outcome = ElfVersionPatcher.MarkVersionWeak(path, Version);
                    if (outcome == ElfPatchOutcome.Patched)
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            $"RLMix: marked {Version} weak in {path} ({system} lacks it; see README, Troubleshooting).");
                }
                catch (ElfFormatException e)
                {
                    Log.LogError(e.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
}
#endif

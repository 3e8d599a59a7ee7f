namespace RLMix.IO;

/// <summary>
/// Names that become one directory each (comparison entries): letters, digits, '.', '_' and '-', starting
/// with a letter or digit, at most <see cref="MaxLength"/> characters. Such a name is the same directory on
/// every file system, cannot leave its parent (no separators, no <c>..</c>), and two different names never
/// share a directory as long as they differ in more than letter case (see <see cref="Key"/>).
/// </summary>
public static class SafeName
{
    /// <summary>The longest accepted name.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule, for messages.</summary>
    public const string Rule = "use only letters a-z, A-Z, digits, '.', '_' and '-', start with a letter or digit, at most 64 characters";

    /// <summary>Why <paramref name="name"/> is not a safe directory name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "it is empty";
        if (name.Length > MaxLength) return $"it is {name.Length} characters long";
        if (name is "." or "..") return $"'{name}' names a directory that already exists (the current or the parent one)";
        foreach (var ch in name)
        {
            if (ch is '/' or '\\') return $"it contains the path separator '{ch}'";
            if (char.IsControl(ch)) return $"it contains the control character U+{(int)ch:X4}";
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_' or '-')) return $"it contains '{ch}'";
        }
        if (!char.IsAsciiLetterOrDigit(name[0])) return $"it starts with '{name[0]}'";
        return null;
    }

    /// <summary>The key under which names collide on a case-insensitive file system.</summary>
    public static string Key(string name) => name.ToLowerInvariant();

    /// <summary>At most <paramref name="max"/> characters of <paramref name="value"/>, for echoing it in a message.</summary>
    public static string Cut(string value, int max = 60) => value.Length <= max ? value : $"{value[..max]}... ({value.Length} characters)";
}

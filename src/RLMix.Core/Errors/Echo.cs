namespace RLMix.Errors;

/// <summary>
/// How error messages show a value the user gave (a name, a key, a path): cut to
/// <see cref="MaxLength"/> characters, so a 50 MB method name does not become a 50 MB error line.
/// Every message that echoes user input goes through <see cref="Of"/>.
/// </summary>
public static class Echo
{
    /// <summary>Characters of a user value shown in a message. The default value is 80.</summary>
    public const int MaxLength = 80;

    /// <summary>
    /// <paramref name="value"/> itself when it has at most <paramref name="maxLength"/> characters,
    /// else its first <paramref name="maxLength"/> characters followed by "… (N characters)".
    /// Line breaks and other control characters are shown as '?' so a value cannot fake log lines.
    /// </summary>
    public static string Of(string? value, int maxLength = MaxLength)
    {
        if (value is null) return "(null)";
        var shown = value.Length <= maxLength ? value : value[..maxLength];
        if (shown.Any(char.IsControl)) shown = new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return value.Length <= maxLength ? shown : $"{shown}… ({value.Length:N0} characters)";
    }
}

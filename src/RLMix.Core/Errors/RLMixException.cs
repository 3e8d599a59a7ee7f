namespace RLMix.Errors;

/// <summary>
/// An error the user can fix, with a message that names what is wrong and how to fix it.
/// The CLI prints the message (no stack trace) and exits with <see cref="ExitCode"/>.
/// </summary>
public abstract class RLMixException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected RLMixException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>The process exit code for this kind of error (0 success, 1 unexpected, 2 usage or configuration, 3 data; see the README).</summary>
    public abstract int ExitCode { get; }
}

/// <summary>Bad usage or configuration: an unknown name, a value out of range, a malformed config or input file. Exit code 2.</summary>
public sealed class UsageException(string message, Exception? inner = null) : RLMixException(message, inner)
{
    /// <inheritdoc />
    public override int ExitCode => 2;
}

/// <summary>A data problem: a missing, truncated or corrupt data set. Exit code 3.</summary>
public sealed class DataException(string message, Exception? inner = null) : RLMixException(message, inner)
{
    /// <inheritdoc />
    public override int ExitCode => 3;
}

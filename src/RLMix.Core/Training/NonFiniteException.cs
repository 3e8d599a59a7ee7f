namespace RLMix.Training;

/// <summary>A loss, gradient or reward became NaN or infinite; the message names the epoch, batch and quantity.</summary>
public sealed class NonFiniteException(string message) : Exception(message);

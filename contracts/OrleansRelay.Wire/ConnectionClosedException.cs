namespace OrleansRelay.Wire;

/// <summary>A frame could not be sent or a stream could not finish because its connection closed.</summary>
public sealed class ConnectionClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConnectionClosedException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

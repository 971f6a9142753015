namespace OrleansRelay.Wire;

/// <summary>The peer broke the wire protocol. The connection that raised it is closed.</summary>
public sealed class ProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProtocolException(ProtocolErrorCode code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>What kind of violation this is.</summary>
    public ProtocolErrorCode Code { get; }
}

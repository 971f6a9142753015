namespace OrleansRelay.Wire;

/// <summary>Why a stream was reset. Carried as a 4-byte big-endian code in a <see cref="FrameType.Reset"/> frame.</summary>
public enum StreamResetCode : uint
{
    /// <summary>The requester no longer wants the response (client went away).</summary>
    Cancelled = 1,

    /// <summary>The response did not arrive within the relay's timeout.</summary>
    Timeout = 2,

    /// <summary>The body grew beyond the configured body limit.</summary>
    BodyTooLarge = 3,

    /// <summary>The peer violated flow control or stream state rules on this stream.</summary>
    ProtocolError = 4,

    /// <summary>The device could not reach its local REST service.</summary>
    LocalServiceFailed = 5,
}

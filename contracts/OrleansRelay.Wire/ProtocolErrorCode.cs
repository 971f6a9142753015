namespace OrleansRelay.Wire;

/// <summary>Connection-level protocol violations. Each closes the connection with a logged reason.</summary>
public enum ProtocolErrorCode
{
    /// <summary>The frame's length field exceeds the negotiated maximum payload.</summary>
    FrameTooLarge,

    /// <summary>The type byte names no known frame type.</summary>
    UnknownFrameType,

    /// <summary>The connection ended in the middle of a frame.</summary>
    TruncatedFrame,

    /// <summary>The payload does not have the layout its type requires.</summary>
    MalformedPayload,

    /// <summary>An HTTP head inside a frame is invalid (bad token, CR/LF/NUL in a header, bad status line).</summary>
    InvalidHttpHead,

    /// <summary>A frame arrived that is not allowed in the current state (e.g. data before hello).</summary>
    UnexpectedFrame,

    /// <summary>The peer sent more body bytes than its send window allowed.</summary>
    FlowControlViolation,
}

namespace OrleansRelay.Wire;

/// <summary>Flags byte of stream frames (<see cref="FrameType.RequestHead"/>, <see cref="FrameType.ResponseHead"/>, <see cref="FrameType.Data"/>).</summary>
[Flags]
public enum StreamFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>This is the last frame of the sender's half of the stream: no body, or no more body.</summary>
    EndStream = 0x01,

    /// <summary>
    /// Heads only: an HTTP/1.1 upgrade (e.g. WebSocket). On a <see cref="FrameType.RequestHead"/> the edge asks for it;
    /// on a <see cref="FrameType.ResponseHead"/> (status 101) the device confirms it, and from then on the stream's
    /// <see cref="FrameType.Data"/> frames are an opaque byte tunnel in both directions. Never combined with
    /// <see cref="EndStream"/> (a stream error), and a reserved bit on data frames (a protocol error). Sent only to
    /// devices whose hello announced <see cref="Handshake.HelloFeatures.Upgrade"/>.
    /// </summary>
    Upgrade = 0x02,
}

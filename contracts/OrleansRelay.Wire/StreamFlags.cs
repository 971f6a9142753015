namespace OrleansRelay.Wire;

/// <summary>Flags byte of stream frames (<see cref="FrameType.RequestHead"/>, <see cref="FrameType.ResponseHead"/>, <see cref="FrameType.Data"/>).</summary>
[Flags]
public enum StreamFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>This is the last frame of the sender's half of the stream: no body, or no more body.</summary>
    EndStream = 0x01,

    /// <summary>On a head: the request asks to switch protocols, or the response switched them (a tunnel follows).</summary>
    Upgrade = 0x02,
}

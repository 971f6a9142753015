namespace OrleansRelay.Wire;

/// <summary>The one-byte frame type at the start of every frame. Values are part of the public protocol: never renumber.</summary>
public enum FrameType : byte
{
    /// <summary>Edge → device, first frame on a connection: protocol version and a 32-byte nonce.</summary>
    Challenge = 0x01,

    /// <summary>Device → edge: JSON with protocol version, device id, proof over the nonce and the device info.</summary>
    Hello = 0x02,

    /// <summary>Edge → device: the session is accepted; JSON with the session settings.</summary>
    Accept = 0x03,

    /// <summary>Edge → device: authentication failed; JSON with a code and a reason. The edge closes the connection after it.</summary>
    Reject = 0x04,

    /// <summary>Either way: the sender is about to close the connection; JSON with a code, a reason and an optional retry delay.</summary>
    GoAway = 0x05,

    /// <summary>Either way: heartbeat; 8 opaque bytes that the peer echoes in a <see cref="Pong"/>.</summary>
    Ping = 0x06,

    /// <summary>Either way: answer to a <see cref="Ping"/>, echoing its 8 bytes.</summary>
    Pong = 0x07,

    /// <summary>Edge → device: opens a stream with an HTTP/1.1 request head.</summary>
    RequestHead = 0x10,

    /// <summary>Device → edge: the HTTP/1.1 response head of a stream.</summary>
    ResponseHead = 0x11,

    /// <summary>Either way: a chunk of a stream's body.</summary>
    Data = 0x12,

    /// <summary>Either way: abandons a stream, with an error code.</summary>
    Reset = 0x13,

    /// <summary>Either way: grants the peer more send credit on a stream.</summary>
    WindowUpdate = 0x14,

    /// <summary>Device → edge: JSON naming paths whose representations changed, so the relay drops its cached copies.</summary>
    CacheInvalidate = 0x20,

    /// <summary>Device → edge: a notification: 8-byte big-endian sequence number, then the UTF-8 text.</summary>
    Notification = 0x21,

    /// <summary>Edge → device: every notification up to this 8-byte big-endian sequence number is recorded.</summary>
    NotificationAck = 0x22,
}

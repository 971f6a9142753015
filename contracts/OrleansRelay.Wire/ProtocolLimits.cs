namespace OrleansRelay.Wire;

/// <summary>Protocol constants and default limits.</summary>
public static class ProtocolLimits
{
    /// <summary>The protocol version this build speaks, sent in the challenge and the hello.</summary>
    public const byte ProtocolVersion = 1;

    /// <summary>Bytes of the frame header: 1 type byte and a 4-byte big-endian payload length.</summary>
    public const int FrameHeaderSize = 5;

    /// <summary>Bytes a stream frame adds before its content: 4-byte stream id and 1 flags byte.</summary>
    public const int StreamPrefixSize = 5;

    /// <summary>Length of the server nonce in the challenge.</summary>
    public const int NonceSize = 32;

    /// <summary>Length of the heartbeat payload.</summary>
    public const int PingPayloadSize = 8;

    /// <summary>Default maximum payload of one frame: 16 MiB.</summary>
    public const int DefaultMaxFramePayload = 16 * 1024 * 1024;

    /// <summary>Default size of one body chunk: 64 KiB.</summary>
    public const int DefaultChunkSize = 64 * 1024;

    /// <summary>Default per-stream send window: 256 KiB.</summary>
    public const int DefaultStreamWindow = 256 * 1024;

    /// <summary>Default maximum size of one HTTP head inside a frame: 64 KiB.</summary>
    public const int DefaultMaxHeadSize = 64 * 1024;
}

using System.Text.Json.Serialization;

namespace OrleansRelay.Wire.Handshake;

/// <summary>Payload of <see cref="FrameType.Accept"/> (UTF-8 JSON): the session's settings, binding on both sides.</summary>
public sealed record AcceptMessage
{
    /// <summary>The session's connection epoch; a newer session of the same device always has a larger one.</summary>
    [JsonPropertyName("epoch")]
    public required long Epoch { get; init; }

    /// <summary>Each side sends a ping when it has sent nothing for this many seconds, and closes a connection silent for three times as long.</summary>
    [JsonPropertyName("heartbeatSeconds")]
    public required int HeartbeatSeconds { get; init; }

    /// <summary>The largest frame payload either side may send.</summary>
    [JsonPropertyName("maxFramePayload")]
    public required int MaxFramePayload { get; init; }

    /// <summary>The largest body chunk either side should send in one data frame.</summary>
    [JsonPropertyName("chunkSize")]
    public required int ChunkSize { get; init; }

    /// <summary>Initial per-stream send window of each side, in bytes.</summary>
    [JsonPropertyName("streamWindow")]
    public required int StreamWindow { get; init; }

    /// <summary>The largest request or response body the relay carries.</summary>
    [JsonPropertyName("maxBodyBytes")]
    public required long MaxBodyBytes { get; init; }
}

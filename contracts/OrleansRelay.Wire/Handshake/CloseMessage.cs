using System.Text.Json.Serialization;

namespace OrleansRelay.Wire.Handshake;

/// <summary>
/// Payload of <see cref="FrameType.Reject"/> and <see cref="FrameType.GoAway"/> (UTF-8 JSON): why the connection ends.
/// Codes are listed in <see cref="CloseCodes"/>.
/// </summary>
public sealed record CloseMessage
{
    /// <summary>A stable machine-readable code.</summary>
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    /// <summary>A human-readable explanation.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>How long the device should wait before reconnecting, when the sender has an opinion.</summary>
    [JsonPropertyName("retryAfterSeconds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RetryAfterSeconds { get; init; }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansRelay.Wire.Handshake;

/// <summary>Payload of <see cref="FrameType.Hello"/> (UTF-8 JSON).</summary>
public sealed record HelloMessage
{
    /// <summary>The protocol version the device speaks.</summary>
    [JsonPropertyName("protocol")]
    public required int Protocol { get; init; }

    /// <summary>The device id it was provisioned with.</summary>
    [JsonPropertyName("deviceId")]
    public required string DeviceId { get; init; }

    /// <summary>Base64 proof of the secret over the challenge nonce (see <see cref="DeviceAuthentication"/>).</summary>
    [JsonPropertyName("proof")]
    public required string Proof { get; init; }

    /// <summary>The device's <c>GET /device</c> document, passed through unmodified.</summary>
    [JsonPropertyName("info")]
    public JsonElement? Info { get; init; }

    /// <summary>Optional protocol features the device supports (e.g. <see cref="HelloFeatures.Upgrade"/>).</summary>
    [JsonPropertyName("features")]
    public string[]? Features { get; init; }
}

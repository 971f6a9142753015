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

    /// <summary>
    /// Optional capabilities the device takes part in (<see cref="HelloFeatures"/>); absent or empty: none. Unknown names
    /// are ignored, so a device may announce features an older edge does not know.
    /// </summary>
    [JsonPropertyName("features")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Features { get; init; }

    /// <summary>Whether the hello announces <paramref name="feature"/> (ordinal comparison).</summary>
    public bool HasFeature(string feature) => Features?.Contains(feature, StringComparer.Ordinal) == true;
}

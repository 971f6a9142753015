using OrleansRelay.Contracts.Grains;

namespace OrleansRelay.Contracts.Model;

/// <summary>An edge asks the device's grain to authenticate a new connection and make it the device's live session.</summary>
/// <param name="Nonce">The challenge nonce the edge sent.</param>
/// <param name="Proof">The device's proof over the nonce.</param>
/// <param name="Edge">The edge that holds the socket.</param>
/// <param name="InfoJson">The device's <c>GET /device</c> document as JSON text (may be <c>null</c>).</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceConnectRequest")]
public sealed record DeviceConnectRequest(
    [property: Id(0)] byte[] Nonce,
    [property: Id(1)] byte[] Proof,
    [property: Id(2)] EdgeRef Edge,
    [property: Id(3)] string? InfoJson);

namespace OrleansRelay.Contracts.Model;

/// <summary>The grain's answer to <see cref="DeviceConnectRequest"/>.</summary>
/// <param name="Accepted">Whether the connection is now the device's live session.</param>
/// <param name="Epoch">The session's epoch when accepted.</param>
/// <param name="RejectCode">A close code from the wire protocol when rejected.</param>
/// <param name="RejectReason">A human-readable reason when rejected.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceConnectResult")]
public sealed record DeviceConnectResult(
    [property: Id(0)] bool Accepted,
    [property: Id(1)] long Epoch,
    [property: Id(2)] string? RejectCode,
    [property: Id(3)] string? RejectReason);

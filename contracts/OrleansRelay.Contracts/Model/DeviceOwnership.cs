namespace OrleansRelay.Contracts.Model;

/// <summary>Whom a device belongs to and how it authenticates its own API, from its last hello (persisted).</summary>
/// <param name="Registered">Whether the device is provisioned.</param>
/// <param name="Email">The normalized address the device names (null: none).</param>
/// <param name="ApiAuthPath">The device's <c>apiAuthPath</c> (null: the device has no API authentication).</param>
/// <param name="Name">The name from the device's hello, else the operator's name for it.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceOwnership")]
public sealed record DeviceOwnership(
    [property: Id(0)] bool Registered,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? ApiAuthPath,
    [property: Id(3)] string? Name);

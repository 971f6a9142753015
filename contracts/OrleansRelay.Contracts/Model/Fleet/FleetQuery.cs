namespace OrleansRelay.Contracts.Model.Fleet;

/// <summary>A page request on the fleet index: devices ordered by id, after <see cref="After"/>.</summary>
/// <param name="Online">Only online (true) or offline (false) devices; null: both.</param>
/// <param name="Prefix">Only devices whose id or name starts with this (names case-insensitively); null: all.</param>
/// <param name="After">The last device id of the previous page (keyset cursor); null: from the start.</param>
/// <param name="Limit">At most this many devices.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.FleetQuery")]
public sealed record FleetQuery(
    [property: Id(0)] bool? Online,
    [property: Id(1)] string? Prefix,
    [property: Id(2)] string? After,
    [property: Id(3)] int Limit);

namespace OrleansRelay.Contracts.Model;

/// <summary>
/// Where a device's requests go: the edge that holds its socket, under which session epoch. The control plane's
/// answer (<see cref="Grains.IDeviceGrain.GetRoute"/>); the bytes then travel edge to edge, never through the grain.
/// </summary>
/// <param name="Registered">Whether the device is provisioned at all (false: 404).</param>
/// <param name="EdgeId">The edge holding the live session, or null when the device is offline.</param>
/// <param name="Epoch">The live session's epoch (0 when offline). The owning edge serves a request only for this epoch.</param>
/// <param name="DataPlaneUrl">The owning edge's data-plane address (<c>http://host:port</c>, HTTP/2).</param>
/// <param name="DataPlaneUpgradeUrl">The owning edge's data-plane address for upgrade requests (HTTP/1.1).</param>
/// <param name="Owner">
/// The normalized address of the user who may reach the device (its live session's hello, else the stored one; null:
/// no user). It comes with the epoch, so an edge's cached access decision matches the session its request reaches.
/// </param>
/// <param name="Revision">
/// When the grain last changed the route (its clock's ticks, strictly increasing per device): pushes travel one-way and
/// can arrive out of order, and at one epoch the route can go offline and back (its edge was lost and returned), so
/// the revision, not the order of arrival, says which of two routes is newer. 0: not stamped.
/// </param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceRoute")]
public sealed record DeviceRoute(
    [property: Id(0)] bool Registered,
    [property: Id(1)] string? EdgeId,
    [property: Id(2)] long Epoch,
    [property: Id(3)] string? DataPlaneUrl,
    [property: Id(4)] string? DataPlaneUpgradeUrl = null,
    [property: Id(5)] string? Owner = null,
    [property: Id(6)] long Revision = 0)
{
    /// <summary>The route of a device that is not provisioned.</summary>
    public static DeviceRoute Unknown { get; } = new(false, null, 0, null);

    /// <summary>Whether a live session exists.</summary>
    public bool Online => EdgeId is not null;

    /// <summary>
    /// Whether this route, pushed by the grain, replaces <paramref name="known"/>: it is of a later epoch, or of the same
    /// epoch and not older (an equal revision: the later word wins, as when routes were not stamped).
    /// </summary>
    public bool Supersedes(DeviceRoute known) =>
        Epoch > known.Epoch || (Epoch == known.Epoch && Revision >= known.Revision);
}

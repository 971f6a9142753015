using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>Where the fleet index lives: a MySQL table, or the in-memory index grain.</summary>
internal interface IDeviceIndexStore
{
    /// <summary>Applies entries, each only if it is not older than the device's row (see <see cref="DeviceIndexEntry"/>).</summary>
    Task ApplyAsync(IReadOnlyList<DeviceIndexEntry> entries, CancellationToken cancellationToken);

    Task<FleetPage> QueryAsync(FleetQuery query, CancellationToken cancellationToken);

    Task<FleetStats> StatsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Online devices whose row was not rewritten since <paramref name="before"/>, or (when <paramref name="liveEdges"/>
    /// is given) whose edge is not among them: rows a lost write may have left wrong.
    /// </summary>
    Task<string[]> FindSuspectsAsync(DateTimeOffset before, IReadOnlyCollection<string>? liveEdges, int max, CancellationToken cancellationToken);
}

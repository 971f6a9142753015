using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Model.Fleet;
using OrleansRelay.Silo.Fleet;

namespace OrleansRelay.Silo.Grains;

/// <summary>
/// The device grain's part in the fleet index: after every registration or presence change it posts the device's
/// row to this silo's <see cref="DeviceIndexWriter"/> (queued and batched, never awaited: the relay's calls do not wait
/// for the index). Online rows are rewritten now and then from the edges' re-announcements, so the sweeper can tell a
/// row that a lost write left behind.
/// </summary>
internal sealed partial class DeviceGrain
{
    private DeviceIndexWriter? _indexWriter;
    private FleetIndexOptions? _indexOptions;
    private long _indexVersion;
    private DateTimeOffset _indexedAt;
    private DateTimeOffset? _notifiedAt;
    private DateTimeOffset _notificationIndexedAt;
    private IGrainTimer? _notificationTimer;

    private DeviceIndexWriter IndexWriter => _indexWriter ??= ServiceProvider.GetRequiredService<DeviceIndexWriter>();

    private FleetIndexOptions IndexOptions => _indexOptions ??= ServiceProvider.GetRequiredService<IOptions<FleetIndexOptions>>().Value;

    /// <summary>Posts the device's current row; <paramref name="reason"/> is the presence reason when it went offline.</summary>
    private void IndexDevice(string? reason = null)
    {
        var state = _registration.State;
        var session = _session;
        var now = _time.GetUtcNow();
        var online = session is not null && !_edges.IsLost(session.Edge.EdgeId, session.ConnectedAt);
        _indexVersion = Math.Max(now.UtcTicks, _indexVersion + 1);
        _indexedAt = now;
        IndexWriter.Post(new DeviceIndexEntry(
            DeviceId,
            state.Registered,
            state.Name ?? state.InfoName,
            online,
            online ? session!.ConnectedAt : now,
            online ? DeviceIndexEntry.Connected : reason,
            online ? session!.Edge.EdgeId : null,
            state.Email,
            _notifiedAt,
            _indexVersion));
    }

    /// <summary>Rewrites an online device's row when the last write is older than the refresh interval.</summary>
    private void RefreshIndex()
    {
        if (_time.GetUtcNow() - _indexedAt >= IndexOptions.RefreshInterval)
        {
            IndexDevice();
        }
    }

    /// <summary>Records the newest notification's time, at most once per notification interval (a timer writes the last one).</summary>
    private void IndexNotification(DateTimeOffset at)
    {
        _notifiedAt = at;
        var wait = IndexOptions.NotificationInterval - (_time.GetUtcNow() - _notificationIndexedAt);
        if (wait <= TimeSpan.Zero)
        {
            _notificationIndexedAt = _time.GetUtcNow();
            IndexDevice();
        }
        else
        {
            _notificationTimer ??= this.RegisterGrainTimer(
                () =>
                {
                    _notificationTimer?.Dispose();
                    _notificationTimer = null;
                    _notificationIndexedAt = _time.GetUtcNow();
                    IndexDevice();
                    return Task.CompletedTask;
                },
                new GrainTimerCreationOptions { DueTime = wait, Period = Timeout.InfiniteTimeSpan, KeepAlive = false });
        }
    }
}

using System.Diagnostics.Metrics;

namespace OrleansRelay.Edge.Diagnostics;

/// <summary>The edge's instruments (meter <see cref="MeterName"/>).</summary>
internal sealed class EdgeMetrics
{
    public const string MeterName = "OrleansRelay.Edge";

    public const string DeviceConnectionsName = "orleansrelay.edge.device.connections";

    public const string RelayDurationName = "orleansrelay.edge.relay.duration";

    public const string NotificationsName = "orleansrelay.edge.device.notifications";

    private readonly UpDownCounter<long> _deviceConnections;
    private readonly Counter<long> _handshakes;
    private readonly Histogram<double> _relayDuration;
    private readonly Counter<long> _heartbeatTimeouts;
    private readonly Counter<long> _limitRejections;
    private readonly Counter<long> _notifications;

    public EdgeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _deviceConnections = meter.CreateUpDownCounter<long>(
            DeviceConnectionsName, "{connection}", "Authenticated device connections held by this edge.");
        _handshakes = meter.CreateCounter<long>(
            "orleansrelay.edge.device.handshakes", "{handshake}", "Device handshakes by outcome.");
        _heartbeatTimeouts = meter.CreateCounter<long>(
            "orleansrelay.edge.device.heartbeat_timeouts", "{connection}", "Device connections closed because nothing arrived for three heartbeat intervals.");
        _limitRejections = meter.CreateCounter<long>(
            "orleansrelay.edge.limit.rejections", "{rejection}", "Connections and requests refused or cut by a limit, by limit (see docs/limits.md).");
        _notifications = meter.CreateCounter<long>(
            NotificationsName, "{notification}", "Notifications received from devices.");
        _relayDuration = meter.CreateHistogram<double>(
            RelayDurationName, "s", "Time from receiving a relayed client request to having its response.");
    }

    public void NotificationReceived() => _notifications.Add(1);

    public void DeviceConnected() => _deviceConnections.Add(1);

    public void DeviceDisconnected() => _deviceConnections.Add(-1);

    public void Handshake(string outcome)
    {
        if (_handshakes.Enabled)
        {
            _handshakes.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    public void HeartbeatTimedOut() => _heartbeatTimeouts.Add(1);

    /// <summary>Counts one refusal by the limit named <paramref name="limit"/> (a <see cref="Limits"/> constant).</summary>
    public void LimitRejected(string limit)
    {
        if (_limitRejections.Enabled)
        {
            _limitRejections.Add(1, new KeyValuePair<string, object?>("limit", limit));
        }
    }

    public void RelayCompleted(TimeSpan elapsed, int status)
    {
        if (_relayDuration.Enabled)
        {
            _relayDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("http.response.status_code", status));
        }
    }
}

using System.Diagnostics.Metrics;

namespace OrleansRelay.Edge.Diagnostics;

/// <summary>The edge's instruments (meter <see cref="MeterName"/>).</summary>
internal sealed class EdgeMetrics
{
    public const string MeterName = "OrleansRelay.Edge";

    private readonly UpDownCounter<long> _deviceConnections;
    private readonly Counter<long> _handshakes;
    private readonly Histogram<double> _relayDuration;
    private readonly Counter<long> _heartbeatTimeouts;

    public EdgeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _deviceConnections = meter.CreateUpDownCounter<long>(
            "orleansrelay.edge.device.connections", "{connection}", "Authenticated device connections held by this edge.");
        _handshakes = meter.CreateCounter<long>(
            "orleansrelay.edge.device.handshakes", "{handshake}", "Device handshakes by outcome.");
        _heartbeatTimeouts = meter.CreateCounter<long>(
            "orleansrelay.edge.device.heartbeat_timeouts", "{connection}", "Device connections closed because nothing arrived for three heartbeat intervals.");
        _relayDuration = meter.CreateHistogram<double>(
            "orleansrelay.edge.relay.duration", "s", "Time from receiving a relayed client request to having its response.");
    }

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

    public void RelayCompleted(TimeSpan elapsed, int status)
    {
        if (_relayDuration.Enabled)
        {
            _relayDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("http.response.status_code", status));
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace OrleansRelay.Edge.Connections;

/// <summary>The device sockets this edge holds: device id → its current connection. The only routing state an edge keeps.</summary>
internal sealed class DeviceSessionRegistry
{
    private readonly ConcurrentDictionary<string, DeviceConnection> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    /// <summary>Makes <paramref name="connection"/> the device's session here and returns the one it displaced, if any.</summary>
    public DeviceConnection? Add(DeviceConnection connection)
    {
        DeviceConnection? displaced = null;
        _sessions.AddOrUpdate(
            connection.DeviceId,
            connection,
            (_, existing) =>
            {
                if (existing.Epoch > connection.Epoch)
                {
                    displaced = connection;
                    return existing;
                }

                displaced = existing;
                return connection;
            });
        return displaced;
    }

    /// <summary>Removes the entry only if it is still <paramref name="connection"/>.</summary>
    public void Remove(DeviceConnection connection) =>
        _sessions.TryRemove(new KeyValuePair<string, DeviceConnection>(connection.DeviceId, connection));

    public bool TryGet(string deviceId, [NotNullWhen(true)] out DeviceConnection? connection) =>
        _sessions.TryGetValue(deviceId, out connection);

    public IReadOnlyCollection<DeviceConnection> Snapshot() => [.. _sessions.Values];
}

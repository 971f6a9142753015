using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Silo.Events;

/// <summary>Why a device went offline, as presence events name it (in the spirit of MQTT's last will).</summary>
internal static class PresenceReasons
{
    /// <summary>The daemon said goodbye (it is stopping).</summary>
    public const string Graceful = "graceful";

    /// <summary>Nothing arrived from the device for three heartbeat intervals.</summary>
    public const string HeartbeatTimeout = "heartbeat-timeout";

    /// <summary>The edge holding the socket died or lost its lease.</summary>
    public const string EdgeLost = "edge-lost";

    /// <summary>The edge holding the socket is shutting down (the device moves to another edge).</summary>
    public const string EdgeShutdown = "edge-shutdown";

    /// <summary>The device broke the protocol.</summary>
    public const string ProtocolError = "protocol-error";

    /// <summary>The connection closed without a goodbye (the daemon was killed, the network dropped).</summary>
    public const string ConnectionLost = "connection-lost";

    /// <summary>An operator rotated the device's secret or deregistered it while it was connected.</summary>
    public const string CredentialsRevoked = "credentials-revoked";

    /// <summary>Maps the reason an edge gives with a disconnect to a presence reason.</summary>
    public static string FromDisconnect(string reason) => reason switch
    {
        _ when reason.StartsWith($"device went away: {CloseCodes.Shutdown}", StringComparison.Ordinal) => Graceful,
        _ when reason.StartsWith(CloseCodes.HeartbeatTimeout, StringComparison.Ordinal) => HeartbeatTimeout,
        _ when reason.StartsWith(CloseCodes.Shutdown, StringComparison.Ordinal) => EdgeShutdown,
        _ when reason.StartsWith(CloseCodes.ProtocolError, StringComparison.Ordinal) => ProtocolError,
        _ => ConnectionLost,
    };
}

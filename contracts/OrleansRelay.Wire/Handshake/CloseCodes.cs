namespace OrleansRelay.Wire.Handshake;

/// <summary>The codes of <see cref="CloseMessage"/>. Part of the public protocol.</summary>
public static class CloseCodes
{
    /// <summary>Reject: no device with this id is provisioned.</summary>
    public const string UnknownDevice = "unknown-device";

    /// <summary>Reject: the proof does not match the device's secret.</summary>
    public const string BadCredentials = "bad-credentials";

    /// <summary>Reject: the hello names a protocol version the edge does not speak.</summary>
    public const string UnsupportedProtocol = "unsupported-protocol";

    /// <summary>Reject: the hello could not be parsed or came too late.</summary>
    public const string MalformedHello = "malformed-hello";

    /// <summary>Reject: the TLS client certificate names another device (its CN is not the hello's device id).</summary>
    public const string CertificateMismatch = "certificate-mismatch";

    /// <summary>Reject: the cluster could not be reached; retry later.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>GoAway: a newer authenticated connection of the same device replaced this one.</summary>
    public const string Replaced = "replaced";

    /// <summary>GoAway: the edge is shutting down; reconnect (to any edge).</summary>
    public const string Shutdown = "shutdown";

    /// <summary>GoAway: the device's credentials were rotated or it was deregistered.</summary>
    public const string CredentialsRevoked = "credentials-revoked";

    /// <summary>GoAway: the peer broke the protocol.</summary>
    public const string ProtocolError = "protocol-error";

    /// <summary>GoAway: nothing was received for three heartbeat intervals.</summary>
    public const string HeartbeatTimeout = "heartbeat-timeout";

    /// <summary>GoAway: the device stopped reading its socket; the edge's queue for it passed its limit.</summary>
    public const string SlowReader = "slow-reader";
}

namespace OrleansRelay.LoadTest.Devices;

/// <summary>How one connection attempt ended: accepted (with the session), rejected by the edge, or failed on the way.</summary>
internal sealed record HandshakeOutcome(DeviceConnection? Session, string? RejectCode, int? RetryAfterSeconds, string? Failure)
{
    public static HandshakeOutcome Accepted(DeviceConnection session) => new(session, null, null, null);

    public static HandshakeOutcome Rejected(string code, int? retryAfterSeconds) => new(null, code, retryAfterSeconds, null);

    public static HandshakeOutcome Failed(string kind) => new(null, null, null, kind);
}

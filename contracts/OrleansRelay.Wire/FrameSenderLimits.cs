namespace OrleansRelay.Wire;

/// <summary>
/// Bounds on what a <see cref="FrameSender"/> holds for a peer that does not read: the bytes queued but not yet
/// accepted by the transport, and how long one flush may wait for the peer. Past either, the sender gives up on the
/// connection (<see cref="FrameSender.Overflowed"/>) instead of buffering without limit.
/// </summary>
/// <param name="MaxQueuedBytes">Encoded frame bytes queued or being flushed; beyond this the sender overflows.</param>
/// <param name="WriteStallTimeout">How long one flush may wait for the transport to accept data.</param>
public sealed record FrameSenderLimits(long MaxQueuedBytes, TimeSpan WriteStallTimeout)
{
    /// <summary>No bounds (the device daemon and the load tester talk to an edge they trust).</summary>
    public static FrameSenderLimits Unlimited { get; } = new(long.MaxValue, Timeout.InfiniteTimeSpan);
}

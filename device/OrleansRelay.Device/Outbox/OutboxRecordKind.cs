namespace OrleansRelay.Device.Outbox;

/// <summary>What an outbox record says (one byte on disk; never renumber).</summary>
internal enum OutboxRecordKind : byte
{
    /// <summary>A notification accepted from the application: its sequence number and text.</summary>
    Notification = 1,

    /// <summary>The relay acknowledged every notification up to this sequence number (no text).</summary>
    Acknowledged = 2,
}

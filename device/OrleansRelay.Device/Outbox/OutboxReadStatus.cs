namespace OrleansRelay.Device.Outbox;

/// <summary>What <see cref="OutboxRecordFormat.TryRead"/> found at an offset of a segment.</summary>
internal enum OutboxReadStatus
{
    /// <summary>A whole record whose checksum matches.</summary>
    Complete,

    /// <summary>The data ends inside the record (a write cut short by a crash or power loss).</summary>
    Truncated,

    /// <summary>An impossible length, an unknown kind or a checksum that does not match.</summary>
    Corrupt,
}

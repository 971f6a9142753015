namespace OrleansRelay.Device.Outbox;

/// <summary>One decoded outbox record: a notification (with its text) or an acknowledgement mark (text empty).</summary>
internal readonly record struct OutboxRecord(OutboxRecordKind Kind, long Sequence, string Text);

using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device.Outbox;

/// <summary>What an outbox held when it was opened: the unacknowledged notifications, oldest first, and the highest sequence number it ever handed out.</summary>
internal sealed record OutboxContents(IReadOnlyList<NotificationMessage> Unacknowledged, long LastSequence);

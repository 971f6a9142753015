namespace OrleansRelay.Device.Notifications;

/// <summary>Why the daemon refused a notification.</summary>
public enum NotificationRefusal
{
    /// <summary>Not a notification: several lines, over 64 KiB of UTF-8, or empty. The caller's mistake; do not retry.</summary>
    Invalid,

    /// <summary>The outbox is full (its byte or count bound): retry after the relay has acknowledged older notifications.</summary>
    OutboxFull,

    /// <summary>Writing the outbox to disk failed (I/O error, disk full); the notification was not accepted.</summary>
    StorageFailed,
}

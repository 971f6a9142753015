namespace OrleansRelay.Device.Notifications;

/// <summary>A notification was not accepted: nothing of it will reach the relay. <see cref="Reason"/> says why.</summary>
public sealed class NotificationRefusedException : Exception
{
    public NotificationRefusedException(NotificationRefusal reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    public NotificationRefusedException()
        : this(NotificationRefusal.Invalid, "The notification was refused.")
    {
    }

    public NotificationRefusedException(string message)
        : this(NotificationRefusal.Invalid, message)
    {
    }

    public NotificationRefusedException(string message, Exception inner)
        : this(NotificationRefusal.StorageFailed, message, inner)
    {
    }

    /// <summary>Why it was refused.</summary>
    public NotificationRefusal Reason { get; }
}

namespace OrleansRelay.Device.Notifications;

/// <summary>
/// The lines the daemon writes to the acknowledgement FIFO, one per notification line, in the order the lines were
/// read: <c>ok SEQUENCE</c> (accepted: on disk, it will reach the relay) or <c>refused REASON MESSAGE</c> with
/// REASON <c>invalid</c> (do not retry), <c>outbox-full</c> (retry later) or <c>storage-failed</c>.
/// </summary>
internal static class FifoAcknowledgement
{
    /// <summary>The reply for a line the daemon accepted as notification <paramref name="sequence"/>.</summary>
    public static string Accepted(long sequence) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ok {sequence}");

    /// <summary>The reply for a refused line.</summary>
    public static string Refused(NotificationRefusal reason, string message) => $"refused {CodeOf(reason)} {message}";

    /// <summary>The reply once <paramref name="accepted"/> settles.</summary>
    public static async Task<string> OfAsync(Task<long> accepted)
    {
        try
        {
            return Accepted(await accepted);
        }
        catch (NotificationRefusedException ex)
        {
            return Refused(ex.Reason, ex.Message);
        }
    }

    private static string CodeOf(NotificationRefusal reason) => reason switch
    {
        NotificationRefusal.OutboxFull => "outbox-full",
        NotificationRefusal.StorageFailed => "storage-failed",
        _ => "invalid",
    };
}

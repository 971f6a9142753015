namespace OrleansRelay.LoadTest.Reporting;

/// <summary>
/// <c>notify</c>: notifications sent by the devices (open model), acknowledged by the relay, and delivered to SSE and
/// SignalR subscribers: device → subscriber latency, lost and duplicated, CPU per notification.
/// </summary>
internal sealed record NotifyResult
{
    public required int SseSubscribers { get; init; }

    public required int SignalRSubscribers { get; init; }

    public required double TargetRate { get; init; }

    public required double SendSeconds { get; init; }

    public required long Sent { get; init; }

    public required double SentPerSecond { get; init; }

    /// <summary>Acknowledged by the relay (recorded in the devices' event logs) by the end of the drain.</summary>
    public required long Acknowledged { get; init; }

    /// <summary>Sent again on a new session (reconnects during the run).</summary>
    public required long Resent { get; init; }

    /// <summary>Deliveries owed: notifications of watched devices, once per subscriber.</summary>
    public required long Expected { get; init; }

    public required long Delivered { get; init; }

    public required double DeliveredPerSecond { get; init; }

    public required long Lost { get; init; }

    public required long Duplicated { get; init; }

    /// <summary>Subscribers that lost at least one notification / received at least one twice.</summary>
    public required int SubscribersWithLoss { get; init; }

    public required int SubscribersWithDuplicates { get; init; }

    /// <summary>Event streams that ended and were reopened (SSE Last-Event-ID, SignalR re-subscribe after overflow).</summary>
    public required long StreamRestarts { get; init; }

    public required double DrainSeconds { get; init; }

    /// <summary>Device → subscriber, from the notification's scheduled send time.</summary>
    public required LatencySummary Latency { get; init; }

    public required double EdgeCpuMicrosPerNotification { get; init; }

    public required double SiloCpuMicrosPerNotification { get; init; }

    public required double LoadGeneratorCpuPercent { get; init; }

    public required double OtherProcessesCpuPercent { get; init; }

    public required double MachineBusyPercent { get; init; }

    public required double LateDispatchShare { get; init; }

    /// <summary>Devices of the fleet not online when the drain ended (it waits for all of them).</summary>
    public int DevicesOfflineAtEnd { get; init; }
}

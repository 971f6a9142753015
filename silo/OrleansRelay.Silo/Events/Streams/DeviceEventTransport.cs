namespace OrleansRelay.Silo.Events.Streams;

/// <summary>Which Orleans provider carries device events to consumer grains (<c>Events:Transport</c>).</summary>
public enum DeviceEventTransport
{
    /// <summary>Orleans' broadcast channel: a direct one-way call per consumer, no queue, no pulling agent (default; measured fastest).</summary>
    BroadcastChannel,

    /// <summary>Orleans memory streams (<c>Microsoft.Orleans.Streaming</c>), polled every <c>Events:StreamPullingPeriod</c>.</summary>
    MemoryStreams,
}

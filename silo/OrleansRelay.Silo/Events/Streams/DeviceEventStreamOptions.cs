using Microsoft.Extensions.Configuration;

namespace OrleansRelay.Silo.Events.Streams;

/// <summary>
/// How device events reach consumer grains in the cluster. Read from the <c>Events</c> section when the silo is built
/// (the provider is chosen then).
/// </summary>
public sealed record DeviceEventStreamOptions
{
    /// <summary>Default pulling period for <see cref="DeviceEventTransport.MemoryStreams"/> (Orleans' own default is 100 ms).</summary>
    public static readonly TimeSpan DefaultPullingPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>The provider (default <see cref="DeviceEventTransport.BroadcastChannel"/>, chosen by bench/results/device-event-streams.md).</summary>
    public DeviceEventTransport Transport { get; init; } = DeviceEventTransport.BroadcastChannel;

    /// <summary>Memory streams only: how often each pulling agent polls its queue.</summary>
    public TimeSpan StreamPullingPeriod { get; init; } = DefaultPullingPeriod;

    /// <summary>Reads <c>Events:Transport</c> and <c>Events:StreamPullingPeriod</c>.</summary>
    public static DeviceEventStreamOptions From(IConfiguration configuration) =>
        configuration.GetSection(EventOptions.SectionName).Get<DeviceEventStreamOptions>() ?? new DeviceEventStreamOptions();
}

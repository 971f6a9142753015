using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.BroadcastChannel;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Events.Streams;

/// <summary>
/// Publishes a device's newly recorded events on its stream (namespace <see cref="DeviceEventStreams.Namespace"/>, key =
/// device id). Fire and forget on purpose: the device's grain never waits for consumers (a consumer reads back from
/// the grain's log, which would deadlock a waiting grain), and a publish that is lost (silo death, a provider error) is
/// made good by the consumers' catch-up from the log at the next event. A device with webhooks also publishes the
/// batch in <see cref="WebhookNamespace"/>, the webhook dispatcher's own, so devices without any never activate it.
/// </summary>
internal sealed partial class DeviceEventPublisher
{
    private readonly IServiceProvider _services;
    private readonly DeviceEventTransport _transport;
    private readonly ILogger<DeviceEventPublisher> _logger;
    private IBroadcastChannelProvider? _channels;
    private IStreamProvider? _streams;

    public DeviceEventPublisher(IServiceProvider services, DeviceEventStreamOptions options, ILogger<DeviceEventPublisher> logger)
    {
        _services = services;
        _transport = options.Transport;
        _logger = logger;
    }

    /// <summary>The namespace only devices with webhooks publish in (key = device id); the webhook dispatcher's.</summary>
    public const string WebhookNamespace = DeviceEventStreams.Namespace + ".webhooks";

    /// <summary>
    /// Publishes <paramref name="events"/> (already appended to the device's log, ids increasing) on the device's
    /// stream, and in <see cref="WebhookNamespace"/> too when <paramref name="toWebhooks"/>.
    /// </summary>
    public void Publish(string deviceId, DeviceEvent[] events, bool toWebhooks)
    {
        if (events.Length == 0)
        {
            return;
        }

        var batch = new DeviceEventBatch(deviceId, events);
        Publish(DeviceEventStreams.Namespace, batch);
        if (toWebhooks)
        {
            Publish(WebhookNamespace, batch);
        }
    }

    private void Publish(string streamNamespace, DeviceEventBatch batch)
    {
        try
        {
            var sent = _transport == DeviceEventTransport.MemoryStreams
                ? (_streams ??= _services.GetRequiredKeyedService<IStreamProvider>(DeviceEventStreams.ProviderName))
                    .GetStream<DeviceEventBatch>(StreamId.Create(streamNamespace, batch.DeviceId)).OnNextAsync(batch)
                : (_channels ??= _services.GetRequiredKeyedService<IBroadcastChannelProvider>(DeviceEventStreams.ProviderName))
                    .GetChannelWriter<DeviceEventBatch>(ChannelId.Create(streamNamespace, batch.DeviceId)).Publish(batch);
            if (!sent.IsCompletedSuccessfully)
            {
                _ = ObserveAsync(sent, batch.DeviceId, batch.Events[^1].Id);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PublishFailed(_logger, batch.DeviceId, batch.Events[^1].Id, ex.GetType().Name, ex.Message);
        }
    }

    private async Task ObserveAsync(Task sent, string deviceId, long lastId)
    {
        try
        {
            await sent;
        }
        catch (Exception ex)
        {
            Log.PublishFailed(_logger, deviceId, lastId, ex.GetType().Name, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1900, LogLevel.Warning, "Device {DeviceId}: publishing events up to {EventId} on the cluster stream failed ({Exception}): {Detail}; consumers catch up from the log")]
        public static partial void PublishFailed(ILogger logger, string deviceId, long eventId, string exception, string detail);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Streams;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Events.Streams;

/// <summary>Registers the provider that carries device events to consumer grains.</summary>
internal static class DeviceEventStreamHosting
{
    public static ISiloBuilder AddDeviceEventStreams(this ISiloBuilder silo, DeviceEventStreamOptions options)
    {
        silo.Services.TryAddSingleton(options);
        silo.Services.TryAddSingleton<DeviceEventPublisher>();
        if (options.Transport == DeviceEventTransport.MemoryStreams)
        {
            silo.AddMemoryStreams(DeviceEventStreams.ProviderName, streams =>
            {
                // Implicit subscriptions only: no pub-sub grain state, so no storage write per stream or event.
                streams.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                streams.ConfigurePullingAgent(agent => agent.Configure(o => o.GetQueueMsgsTimerPeriod = options.StreamPullingPeriod));
            });
        }
        else
        {
            silo.AddBroadcastChannel(DeviceEventStreams.ProviderName, o => o.FireAndForgetDelivery = true);
        }

        return silo;
    }
}

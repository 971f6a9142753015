using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Contracts.Model.Webhooks;
using OrleansRelay.Silo.Events.Streams;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>
/// The webhooks' stream consumer for one device: for each batch of new events it wakes the delivery grain of every
/// webhook (the device's own, and its owner account's) that wants one of their kinds. It needs no persisted
/// position: delivery grains keep their own and read the log, so a wake-up repeated or lost is made good by the next.
/// It listens in its own namespace, in which only devices with webhooks publish (<see cref="DeviceEventPublisher"/>).
/// </summary>
[ImplicitChannelSubscription(DeviceEventPublisher.WebhookNamespace)]
[ImplicitStreamSubscription(DeviceEventPublisher.WebhookNamespace)]
internal sealed class WebhookDispatcherGrain : DeviceEventConsumerGrain
{
    public WebhookDispatcherGrain([PersistentState("webhook-dispatch", RelaySiloDefaults.DeviceStorageName)] IPersistentState<DeviceEventPosition> position)
        : base(position)
    {
    }

    protected override bool PersistPosition => false;

    protected override bool StartAtLogStart => false;

    protected override async Task HandleAsync(IReadOnlyList<DeviceEvent> events)
    {
        var ownership = GrainFactory.GetGrain<IDeviceGrain>(DeviceId).GetOwnership();
        var own = await GrainFactory.GetGrain<IWebhookRegistryGrain>(WebhookScopes.Device(DeviceId)).List();
        var owner = (await ownership).Email;
        var account = owner is null ? [] : await GrainFactory.GetGrain<IWebhookRegistryGrain>(WebhookScopes.Account(owner)).List();
        foreach (var webhook in own.Concat(account))
        {
            if (events.Any(e => webhook.Events.Contains(e.Kind, StringComparer.Ordinal)))
            {
                _ = GrainFactory.GetGrain<IWebhookDeliveryGrain>($"{webhook.Id}/{DeviceId}").Wake(webhook.Scope, events[^1].Id);
            }
        }
    }
}

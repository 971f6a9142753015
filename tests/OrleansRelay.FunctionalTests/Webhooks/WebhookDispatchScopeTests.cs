using Microsoft.Extensions.DependencyInjection;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Webhooks;

/// <summary>
/// Only devices with webhooks (their own, or their owner's account-wide ones) wake the webhook dispatcher: a fleet
/// without webhooks costs it no activation per device, and an account-wide webhook still reaches a device that binds
/// to the account after the webhook was registered.
/// </summary>
[Collection(WebhookCollection.Name)]
public sealed class WebhookDispatchScopeTests(WebhookFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeviceWithoutWebhooks_ActivatesNoDispatcher_ADeviceWithOneDoes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var service = await StreamingDeviceService.StartAsync("plain", ownerEmail: $"plain-{Guid.NewGuid():N}@example.com");
        var plainId = WebhookFixture.NewDeviceId("plain");
        var hookedId = WebhookFixture.NewDeviceId("hooked");
        await using var plain = await TestDaemon.StartAsync(plainId, await fixture.Edge.ProvisionAsync(plainId), service.BaseUri, fixture.Edge.DevicePort);
        await using var hooked = await TestDaemon.StartAsync(hookedId, await fixture.Edge.ProvisionAsync(hookedId), service.BaseUri, fixture.Edge.DevicePort);
        await WebhookApi.RegisterAsync(fixture.Edge.Client, $"/v1/devices/{hookedId}/webhooks", receiver.Url, "notification");

        var grains = fixture.Edge.Services.GetRequiredService<IGrainFactory>();
        var plainDevice = grains.GetGrain<IDeviceGrain>(plainId);
        Assert.Null(plain.Daemon.Notify("nobody listens by webhook"));
        await Eventually.TrueAsync(async () => (await plainDevice.GetEvents(0, 10)).Events.Any(e => e.Kind == "notification"), "the plain device's notification to be in its log");

        // The hooked device's delivery needs its dispatcher: by the time it arrives, a dispatcher woken by the plain
        // device's earlier events would have been activated too.
        Assert.Null(hooked.Daemon.Notify("for the webhook"));
        await Eventually.TrueAsync(() => receiver.Delivered().Count == 1, "the hooked device's notification to be delivered");

        var dispatchers = await DispatcherKeysAsync(grains);
        Assert.Contains(hookedId, dispatchers);
        Assert.DoesNotContain(plainId, dispatchers);
    }

    [Fact]
    public async Task AccountWideWebhook_RegisteredBeforeTheDeviceFirstConnects_GetsItsEvents()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var owner = $"later-{Guid.NewGuid():N}@example.com";
        var (webhookId, secret) = await WebhookApi.RegisterAsync(fixture.Edge.Client, $"/v1/webhooks?account={owner}", receiver.Url, "notification");

        await using var service = await StreamingDeviceService.StartAsync("later", ownerEmail: owner);
        var deviceId = WebhookFixture.NewDeviceId("later");
        await using var daemon = await TestDaemon.StartAsync(deviceId, await fixture.Edge.ProvisionAsync(deviceId), service.BaseUri, fixture.Edge.DevicePort);
        var devices = fixture.Edge.Services.GetRequiredService<IGrainFactory>().GetGrain<IAccountGrain>(owner);
        await Eventually.TrueAsync(async () => (await devices.GetDevices()).Contains(deviceId), "the device to bind to its owner's account");

        Assert.Null(daemon.Daemon.Notify("first words"));
        await Eventually.TrueAsync(() => receiver.Delivered().Count == 1, "the notification of a device that bound after the account-wide webhook was registered");
        var delivered = receiver.Delivered().Single();
        Assert.Equal("first words", delivered.Json.GetProperty("data").GetProperty("data").GetString());
        Assert.True(delivered.SignatureVerifies(secret));

        using var deleted = await fixture.Edge.Client.DeleteAsync($"/v1/webhooks/{webhookId}?account={owner}", Token);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task DeviceDeregisteredAndProvisionedAgain_KeepsItsWebhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var deviceId = WebhookFixture.NewDeviceId("again");
        await fixture.Edge.ProvisionAsync(deviceId);
        var (_, secret) = await WebhookApi.RegisterAsync(fixture.Edge.Client, $"/v1/devices/{deviceId}/webhooks", receiver.Url, "notification");
        using (var deleted = await fixture.Edge.Client.DeleteAsync($"/v1/admin/devices/{deviceId}", Token))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await using var daemon = await TestDaemon.StartAsync(deviceId, await fixture.Edge.ProvisionAsync(deviceId), fixture.Service.BaseUri, fixture.Edge.DevicePort);
        Assert.Null(daemon.Daemon.Notify("back again"));
        await Eventually.TrueAsync(() => receiver.Delivered().Count == 1, "the re-provisioned device's notification to reach its webhook");
        Assert.Equal("back again", receiver.Delivered()[0].Json.GetProperty("data").GetProperty("data").GetString());
        Assert.True(receiver.Delivered()[0].SignatureVerifies(secret));
    }

    /// <summary>The device ids of every active webhook dispatcher in the cluster.</summary>
    private static async Task<string[]> DispatcherKeysAsync(IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics(null, null, Token);
        return statistics
            .Where(s => s.GrainType.Contains("WebhookDispatcher", StringComparison.OrdinalIgnoreCase))
            .Select(s => s.GrainId.Key.ToString()!)
            .ToArray();
    }
}

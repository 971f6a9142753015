using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRelay.Device.Notifications;
using OrleansRelay.Edge.Hubs;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.FunctionalTests.Events;

/// <summary>Notifications from the device's daemon to Server-Sent Events subscribers, and presence, end to end.</summary>
public sealed class NotificationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FifoLine_ReachesAnSseSubscriber_AndAnOverlongLineIsRefusedNotTruncated()
    {
        await using var relay = await Relay.StartAsync();
        await using var daemon = await relay.StartDaemonAsync("fifo-1");
        var path = Path.Combine(Path.GetTempPath(), $"orleansrelay-test-{Guid.NewGuid():N}.fifo");
        using var fifo = NotificationFifo.Start(path, daemon.Daemon, NotificationMessage.MaxTextBytes, NullLoggerFactory.Instance);
        try
        {
            await using var events = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/fifo-1/events");
            Assert.Equal(HttpStatusCode.OK, events.Response.StatusCode);
            Assert.Equal("text/event-stream", events.Response.Content.Headers.ContentType?.MediaType);

            await File.AppendAllTextAsync(path, new string('x', NotificationMessage.MaxTextBytes + 1) + "\n{\"door\":\"open\"}\n", Token);

            var first = await events.NextAsync(TimeSpan.FromSeconds(5));
            Assert.Equal("notification", first.Kind);
            Assert.Equal("{\"door\":\"open\"}", first.Data);
            Assert.NotNull(first.Id);
        }
        finally
        {
            File.Delete(path);
            File.Delete(NotificationFifo.AckPathOf(path));
        }
    }

    [Fact]
    public async Task FifoLine_ReachesSseAndSignalRSubscribers_AndSignalRRefusesUnknownDevicesAndMissingKeys()
    {
        await using var relay = await Relay.StartAsync();
        await using var daemon = await relay.StartDaemonAsync("hub-1");
        var path = Path.Combine(Path.GetTempPath(), $"orleansrelay-test-{Guid.NewGuid():N}.fifo");
        using var fifo = NotificationFifo.Start(path, daemon.Daemon, NotificationMessage.MaxTextBytes, NullLoggerFactory.Instance);
        var hubUrl = new Uri(relay.Edge.Client.BaseAddress!, "/hubs/devices");
        await using var hub = new HubConnectionBuilder()
            .WithUrl(hubUrl, o => o.AccessTokenProvider = () => Task.FromResult<string?>(TestEdge.AdminKey))
            .Build();
        var pushed = Channel.CreateUnbounded<(string Kind, DeviceEventMessage Message)>();
        hub.On<DeviceEventMessage>("notification", m => pushed.Writer.TryWrite(("notification", m)));
        hub.On<DeviceEventMessage>("presence", m => pushed.Writer.TryWrite(("presence", m)));
        try
        {
            await hub.StartAsync(Token);
            await hub.InvokeAsync("Subscribe", "hub-1", Token);
            await using var events = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/hub-1/events");

            await File.AppendAllTextAsync(path, "pressure=2.1\n", Token);

            var viaSse = await events.NextAsync(TimeSpan.FromSeconds(5));
            var viaHub = await Eventually.Within(pushed.Reader.ReadAsync(Token).AsTask(), "the SignalR push", TimeSpan.FromSeconds(5));
            Assert.Equal(("notification", "pressure=2.1"), (viaSse.Kind, viaSse.Data));
            Assert.Equal(("notification", "hub-1", "pressure=2.1", viaSse.Id!.Value), (viaHub.Kind, viaHub.Message.DeviceId, viaHub.Message.Data, viaHub.Message.Id));

            var unknown = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Subscribe", "nobody", Token));
            Assert.Contains("Unknown device", unknown.Message, StringComparison.Ordinal);

            // Without the key the connection is refused.
            await using var anonymous = new HubConnectionBuilder().WithUrl(hubUrl).Build();
            var closed = new TaskCompletionSource();
            anonymous.Closed += _ =>
            {
                closed.TrySetResult();
                return Task.CompletedTask;
            };
            try
            {
                await anonymous.StartAsync(Token);
                await Eventually.Within(closed.Task.ContinueWith(_ => true, Token), "the anonymous connection to be closed");
            }
            catch (HttpRequestException)
            {
            }

            Assert.NotEqual(HubConnectionState.Connected, anonymous.State);
        }
        finally
        {
            File.Delete(path);
            File.Delete(NotificationFifo.AckPathOf(path));
        }
    }

    [Fact]
    public async Task ControlEndpoint_PostedNotification_ReachesTheSubscriber_AndBadBodiesAreRefused()
    {
        await using var relay = await Relay.StartAsync();
        var controlPort = FreePort.Next();
        await using var daemon = await TestDaemon.StartWithControlAsync("post-1", await relay.Edge.ProvisionAsync("post-1"), relay.Service.BaseUri, controlPort, relay.Edge.DevicePort);
        await using var events = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/post-1/events");
        using var control = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{controlPort}") };

        using (var accepted = await control.PostAsync("/notifications", new StringContent("valve=closed\n"), Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.Equal(("notification", "valve=closed"), await events.NextAsync() is var e ? (e.Kind, e.Data) : default);
        using (var twoLines = await control.PostAsync("/notifications", new StringContent("a\nb"), Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, twoLines.StatusCode);
        }

        using (var tooLong = await control.PostAsync("/notifications", new StringContent(new string('x', NotificationMessage.MaxTextBytes + 1)), Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        }

        using var wrongMethod = await control.GetAsync("/notifications", Token);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
    }

    [Fact]
    public async Task BurstOf1000_ArrivesComplete_InOrder_WithoutDuplicates()
    {
        await using var relay = await Relay.StartAsync();
        await using var daemon = await relay.StartDaemonAsync("burst-1");
        await using var events = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/burst-1/events");

        for (var i = 0; i < 1000; i++)
        {
            Assert.Null(daemon.Daemon.Notify($"n{i}"));
        }

        var received = await events.NextAsync(1000, "notification", TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"n{i}"), received.Select(e => e.Data));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => received[0].Id!.Value + i), received.Select(e => e.Id!.Value));
        await Eventually.TrueAsync(() => daemon.Daemon.PendingNotifications == 0, "every notification to be acknowledged");
    }

    [Fact]
    public async Task Resume_WithLastEventId_GetsExactlyTheMissedEvents()
    {
        await using var relay = await Relay.StartAsync();
        await using var daemon = await relay.StartDaemonAsync("resume-1");
        long lastSeen;
        await using (var events = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/resume-1/events"))
        {
            daemon.Daemon.Notify("before");
            lastSeen = (await events.NextAsync(1, "notification"))[0].Id!.Value;
        }

        for (var i = 0; i < 50; i++)
        {
            daemon.Daemon.Notify($"missed-{i}");
        }

        await Eventually.TrueAsync(() => daemon.Daemon.PendingNotifications == 0, "the 50 to be recorded");
        await using var resumed = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/resume-1/events", lastSeen);
        var replayed = await resumed.NextAsync(50, "notification");
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"missed-{i}"), replayed.Select(e => e.Data));

        // Then live, with nothing repeated in between.
        daemon.Daemon.Notify("live");
        var next = await resumed.NextAsync();
        Assert.Equal(("notification", "live", replayed[^1].Id + 1), (next.Kind, next.Data, next.Id));
    }

    [Fact]
    public async Task Presence_OnlineWhenTheDeviceConnects_OfflineGracefulWhenItStops()
    {
        await using var relay = await Relay.StartAsync();
        var secret = await relay.Edge.ProvisionAsync("presence-1");
        await using var events = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/presence-1/events");

        var daemon = await TestDaemon.StartAsync("presence-1", secret, relay.Service.BaseUri, relay.Edge.DevicePort);
        var online = await events.NextAsync();
        Assert.Equal(("presence", "{\"online\":true,\"reason\":\"connected\"}"), (online.Kind, online.Data));

        await daemon.DisposeAsync();
        var offline = await events.NextAsync();
        Assert.Equal(("presence", "{\"online\":false,\"reason\":\"graceful\"}", online.Id + 1), (offline.Kind, offline.Data, offline.Id));
    }

    [Fact]
    public async Task Presence_ASilentDevice_IsOfflineWithHeartbeatTimeout()
    {
        await using var relay = await Relay.StartAsync(new Dictionary<string, string?> { ["Edge:HeartbeatInterval"] = "00:00:01" });
        var secret = await relay.Edge.ProvisionAsync("silent-1");
        await using var events = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/silent-1/events");
        await using var device = await RawDevice.ConnectAsync(relay.Edge.DevicePort);
        Assert.Equal(FrameType.Accept, (await device.HandshakeAsync("silent-1", secret)).Type);
        Assert.Equal("{\"online\":true,\"reason\":\"connected\"}", (await events.NextAsync()).Data);

        // The device never answers a ping: after three heartbeat intervals the edge closes it.
        var offline = await events.NextAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(("presence", "{\"online\":false,\"reason\":\"heartbeat-timeout\"}"), (offline.Kind, offline.Data));
    }

    [Fact]
    public async Task EventStream_RefusesUnknownDevicesAndBadIds_AndAnswersAGapForIdsOlderThanTheWindow()
    {
        await using var relay = await Relay.StartAsync(silo: new Dictionary<string, string?> { ["Events:ReplayCount"] = "5" });
        await using var daemon = await relay.StartDaemonAsync("window-1");
        using (var unknown = await relay.Edge.Client.GetAsync("/v1/devices/nobody/events", Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "/v1/devices/window-1/events"))
        {
            request.Headers.Add("Last-Event-ID", "twelve");
            using var bad = await relay.Edge.Client.SendAsync(request, Token);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        for (var i = 0; i < 10; i++)
        {
            daemon.Daemon.Notify($"w{i}");
        }

        await Eventually.TrueAsync(() => daemon.Daemon.PendingNotifications == 0, "the notifications to be recorded");
        await using var late = await SseClient.OpenAsync(relay.Edge.Client.BaseAddress!, "/v1/devices/window-1/events", lastEventId: 1);
        var gap = await late.NextAsync();
        Assert.Equal("gap", gap.Kind);
        Assert.Contains("\"requestedAfter\":1", gap.Data, StringComparison.Ordinal);
        var kept = await late.NextAsync(5, "notification");
        Assert.Equal(["w5", "w6", "w7", "w8", "w9"], kept.Select(e => e.Data));
    }

    /// <summary>A silo (in-memory storage), an edge and a device service of the test's own.</summary>
    private sealed class Relay : IAsyncDisposable
    {
        private Relay(TestSilo silo, TestEdge edge, TestDeviceService service)
        {
            Silo = silo;
            Edge = edge;
            Service = service;
        }

        public TestSilo Silo { get; }

        public TestEdge Edge { get; }

        public TestDeviceService Service { get; }

        public static async Task<Relay> StartAsync(IDictionary<string, string?>? edge = null, IDictionary<string, string?>? silo = null)
        {
            var testSilo = await TestSilo.StartAsync(
                TestSilo.NewLocalCluster(),
                new Silo.Hosting.RelayStorageOptions(),
                s => s.Configure<Silo.Events.EventOptions>(o =>
                {
                    if (silo?.TryGetValue("Events:ReplayCount", out var count) == true)
                    {
                        o.ReplayCount = int.Parse(count!, System.Globalization.CultureInfo.InvariantCulture);
                    }
                }));
            return new Relay(testSilo, await TestEdge.StartAsync(testSilo.Cluster, edge), await TestDeviceService.StartAsync());
        }

        public async Task<TestDaemon> StartDaemonAsync(string deviceId) =>
            await TestDaemon.StartAsync(deviceId, await Edge.ProvisionAsync(deviceId), Service.BaseUri, Edge.DevicePort);

        public async ValueTask DisposeAsync()
        {
            await Edge.DisposeAsync();
            await Service.DisposeAsync();
            await Silo.DisposeAsync();
        }
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using OrleansRelay.Demo;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Demo;

/// <summary>The quick-start composition: embedded relay, demo service and daemon in one process, reached through the relay.</summary>
public sealed class DemoRelayTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EmbeddedDemo_ServesTheIrrigationControllerThroughTheRelay()
    {
        string[] args =
        [
            "--Edge:HttpPort=0",
            "--Edge:DevicePort=0",
            $"--Cluster:SiloPort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            $"--Cluster:GatewayPort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            "--Logging:LogLevel:Default=Warning",
            $"--Demo:LanPort={FreePort.Next().ToString(CultureInfo.InvariantCulture)}",
            "--Demo:DiscoveryPort=0",
        ];
        await using var relay = await DemoRelay.StartAsync(args, deviceServicePort: 0, Token);
        using var client = new HttpClient { BaseAddress = relay.EdgeUrl };
        client.DefaultRequestHeaders.Add("X-Admin-Key", relay.AdminKey);
        var api = $"/v1/devices/{DemoRelay.DeviceId}/api";

        var info = await client.GetFromJsonAsync<Dictionary<string, object?>>($"{api}/device", Token);
        var zones = await client.GetFromJsonAsync<Zone[]>($"{api}/zones", Token);
        await using var events = await SseClient.OpenAsync(relay.EdgeUrl, $"/v1/devices/{DemoRelay.DeviceId}/events", key: relay.AdminKey);
        using var water = await client.PostAsJsonAsync($"{api}/zones/1/water", new { minutes = 10 }, Token);
        var watered = await water.Content.ReadFromJsonAsync<Zone>(Token);
        var log = await client.GetFromJsonAsync<LogEntry[]>($"{api}/log?limit=5", Token);
        using var anonymous = await new HttpClient { BaseAddress = relay.EdgeUrl }.GetAsync($"{api}/zones", Token);
        // LAN mode: the same API straight from the daemon's LAN port, without the relay.
        var lanZones = await new HttpClient().GetFromJsonAsync<Zone[]>(new Uri(relay.Lan.LanUrl!, "zones"), Token);

        Assert.Equal("Demo irrigation controller", info!["name"]!.ToString());
        Assert.Equal(6, zones!.Length);
        Assert.True(watered!.Watering);
        Assert.Equal(zones[0].MoisturePercent + 10, watered.MoisturePercent);
        Assert.Equal("Zone 1 watering for 10 min", log![0].Message);
        Assert.Equal(("notification", "Zone 1 watering for 10 min"), await events.NextAsync() is var notification ? (notification.Kind, notification.Data) : default);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(6, lanZones!.Length);
    }
}

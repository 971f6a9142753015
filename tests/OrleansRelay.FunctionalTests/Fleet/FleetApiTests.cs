using System.Net;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Fleet;

/// <summary>
/// The operator's fleet API over a real silo and edge with simulated devices (the load tester's fleet): paging by
/// keyset cursor while devices connect and disconnect, the filters, the totals, and refusals.
/// </summary>
public sealed class FleetApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Paging_WhileDevicesConnectAndDisconnect_EveryStableDeviceOnceInIdOrder()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        var stable = Enumerable.Range(0, 60).Select(i => $"page-{i:D3}").ToArray();
        await using var fleet = await SimulatedFleet.ConnectAsync(edge, stable);
        await FleetApi.IndexShowsAsync(edge, 60, 60);

        // Between pages, devices with ids all over the range connect, and earlier ones disconnect again.
        var churning = new List<SimulatedFleet>();
        try
        {
            var pages = await FleetApi.AllPagesAsync(edge, "", limit: 7, between: async page =>
            {
                churning.Add(await SimulatedFleet.ConnectAsync(edge, [$"page-{page * 7:D3}a", $"page-{(page * 7) + 50:D3}b"], seed: page + 100));
                if (churning.Count > 1)
                {
                    await churning[^2].DisposeAsync();
                }
            });

            var ids = FleetApi.Ids(pages);
            Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
            Assert.All(stable, id => Assert.Single(ids, id));
        }
        finally
        {
            foreach (var churn in churning)
            {
                await churn.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Filters_StatusAndPrefix_Totals_AndRemoval()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        var online = Enumerable.Range(0, 12).Select(i => $"filt-on-{i:D2}").ToArray();
        var leaving = Enumerable.Range(0, 5).Select(i => $"filt-gone-{i:D2}").ToArray();
        var never = Enumerable.Range(0, 3).Select(i => $"filt-new-{i:D2}").ToArray();
        await using var fleet = await SimulatedFleet.ConnectAsync(edge, online);
        var goneFleet = await SimulatedFleet.ConnectAsync(edge, leaving, seed: 5);
        await goneFleet.DisposeAsync();
        var neverProvisioned = await SimulatedFleet.ProvisionAsync(edge, never, seed: 9);
        var everyProfile = fleet.Devices.Concat(goneFleet.Devices).Concat(neverProvisioned).Select(d => d.Profile).ToArray();
        await FleetApi.IndexShowsAsync(edge, 20, 12);

        var stats = await FleetApi.StatsAsync(edge);
        Assert.Equal(8, stats.GetProperty("offline").GetInt64());
        Assert.Equal(5, stats.GetProperty("offlineByReason").GetProperty("graceful").GetInt64());
        Assert.Equal(3, stats.GetProperty("offlineByReason").GetProperty("never-connected").GetInt64());

        var onlineList = await FleetApi.AllPagesAsync(edge, "&status=online", 5);
        Assert.Equal(online, FleetApi.Ids(onlineList));
        Assert.All(onlineList, d =>
        {
            Assert.True(d.GetProperty("online").GetBoolean());
            Assert.Equal("connected", d.GetProperty("reason").GetString());
            Assert.False(string.IsNullOrEmpty(d.GetProperty("edgeId").GetString()));
            Assert.Contains("@", d.GetProperty("owner").GetString(), StringComparison.Ordinal);
        });

        var offlineList = await FleetApi.AllPagesAsync(edge, "&status=offline", 50);
        Assert.Equal([.. leaving, .. never], FleetApi.Ids(offlineList));
        Assert.All(offlineList.Take(5), d => Assert.Equal("graceful", d.GetProperty("reason").GetString()));
        Assert.All(offlineList.Skip(5), d => Assert.Equal("never-connected", d.GetProperty("reason").GetString()));

        // An id prefix, combined with a status; a name prefix, case-insensitively.
        Assert.Equal(leaving, FleetApi.Ids(await FleetApi.AllPagesAsync(edge, "&q=filt-gone&status=offline", 50)));
        Assert.Empty(FleetApi.Ids(await FleetApi.AllPagesAsync(edge, "&q=filt-gone&status=online", 50)));
        var named = fleet.Devices[3].Profile;
        var byName = FleetApi.Ids(await FleetApi.AllPagesAsync(edge, $"&q={Uri.EscapeDataString(named.Name.ToUpperInvariant())}", 50));
        Assert.Contains(named.DeviceId, byName);
        var expected = everyProfile.Where(p => p.Name.StartsWith(named.Name, StringComparison.OrdinalIgnoreCase)).Select(p => p.DeviceId).Order(StringComparer.Ordinal);
        Assert.Equal(expected, byName);

        // Deregistering removes the device from the index.
        using (var deleted = await edge.Client.DeleteAsync(new Uri($"/v1/admin/devices/{never[0]}", UriKind.Relative), Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await FleetApi.IndexShowsAsync(edge, 19, 12);
        Assert.DoesNotContain(never[0], FleetApi.Ids(await FleetApi.AllPagesAsync(edge, "&q=filt-new", 50)));
    }

    [Fact]
    public async Task NonOperators_Get401_BadQueries400_UnknownDevice404()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        using var anonymous = new HttpClient { BaseAddress = edge.Client.BaseAddress };
        using var wrongKey = new HttpClient { BaseAddress = edge.Client.BaseAddress };
        wrongKey.DefaultRequestHeaders.Add("X-Admin-Key", "not-the-operator-key-000");
        foreach (var path in new[] { "/v1/admin/devices", "/v1/admin/stats", "/v1/admin/metrics/relay", "/v1/admin/devices/x/events" })
        {
            foreach (var client in new[] { anonymous, wrongKey })
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Token);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.Equal(401, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("error").GetInt32());
            }
        }

        foreach (var (query, message) in new[]
        {
            ("limit=0", "limit must be"), ("limit=501", "limit must be"), ("limit=ten", "limit must be"),
            ("status=sleeping", "status must be"), ("cursor=%25%25%25", "cursor is not"), ("cursor=" + Convert.ToBase64String("a b"u8), "cursor is not"),
            ("q=" + new string('x', 201), "q must be"),
        })
        {
            using var response = await edge.Client.GetAsync(new Uri($"/v1/admin/devices?{query}", UriKind.Relative), Token);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using (var unknown = await edge.Client.GetAsync(new Uri("/v1/admin/devices/nobody-here/events", UriKind.Relative), Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        var empty = await FleetApi.GetAsync(edge.Client, "/v1/admin/devices");
        Assert.Empty(empty.GetProperty("devices").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("nextCursor").ValueKind);
    }
}

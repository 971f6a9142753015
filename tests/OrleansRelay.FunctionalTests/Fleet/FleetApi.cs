using System.Net;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Fleet;

/// <summary>Reads the operator's fleet API.</summary>
internal static class FleetApi
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<JsonElement> StatsAsync(TestEdge edge) => GetAsync(edge.Client, "/v1/admin/stats");

    /// <summary>Every page of the list for <paramref name="query"/> (cursor to cursor), with <paramref name="between"/> run between pages.</summary>
    public static async Task<List<JsonElement>> AllPagesAsync(TestEdge edge, string query, int limit, Func<int, Task>? between = null)
    {
        var devices = new List<JsonElement>();
        string? cursor = null;
        for (var page = 0; ; page++)
        {
            var path = $"/v1/admin/devices?limit={limit}{query}{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}";
            var body = await GetAsync(edge.Client, path);
            var items = body.GetProperty("devices").EnumerateArray().ToArray();
            Assert.True(items.Length <= limit);
            devices.AddRange(items);
            cursor = body.GetProperty("nextCursor").GetString();
            if (cursor is null)
            {
                return devices;
            }

            Assert.Equal(limit, items.Length);
            if (between is not null)
            {
                await between(page);
            }
        }
    }

    public static string[] Ids(IEnumerable<JsonElement> devices) => [.. devices.Select(d => d.GetProperty("deviceId").GetString()!)];

    /// <summary>Waits until the index's totals are <paramref name="registered"/> and <paramref name="online"/> (it is written in batches).</summary>
    public static Task IndexShowsAsync(TestEdge edge, long registered, long online, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(
            async () =>
            {
                // While the cluster changes (a silo restarting) the edge answers 503 for a moment.
                using var response = await edge.Client.GetAsync(new Uri("/v1/admin/stats", UriKind.Relative), Token);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    return false;
                }

                var stats = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
                return stats.GetProperty("registered").GetInt64() == registered && stats.GetProperty("online").GetInt64() == online;
            },
            $"the fleet index to show {registered} registered, {online} online",
            timeout ?? TimeSpan.FromSeconds(30));
}

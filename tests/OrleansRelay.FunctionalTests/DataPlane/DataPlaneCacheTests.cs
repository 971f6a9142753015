using System.Net;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>Issue 14: wherever the cache lives after the data-plane split, its contract (docs/caching.md) holds on both routes.</summary>
[Collection(DataPlaneCollection.Name)]
public sealed class DataPlaneCacheTests(DataPlaneFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DataPlaneFixture.SameEdge)]
    [InlineData(DataPlaneFixture.CrossEdge)]
    public async Task CacheableGet_MissThenHit_NoStoreBypasses_WriteInvalidates(string route)
    {
        var name = $"c-{route}-{Guid.NewGuid():N}";
        var path = DataPlaneHttp.Api(DataPlaneFixture.DeviceId, $"counted/{name}");
        var client = fixture.Client(route);

        var miss = await SendAsync(client, HttpMethod.Get, path);
        var hit = await SendAsync(client, HttpMethod.Get, path);
        var afterHit = fixture.Service.Count(name);
        var bypass = await SendAsync(client, HttpMethod.Get, path, noStore: true);
        var write = await SendAsync(client, HttpMethod.Post, path);
        var refetched = await SendAsync(client, HttpMethod.Get, path);

        Assert.Equal((HttpStatusCode.OK, "MISS", $"{name} #1"), miss);
        Assert.Equal((HttpStatusCode.OK, "HIT", $"{name} #1"), hit);
        Assert.Equal(1, afterHit);
        Assert.Equal((HttpStatusCode.OK, "BYPASS", $"{name} #2"), bypass);
        Assert.Equal((HttpStatusCode.OK, "BYPASS", "written"), write);
        Assert.Equal((HttpStatusCode.OK, "MISS", $"{name} #3"), refetched);
        Assert.Equal(3, fixture.Service.Count(name));
    }

    private static async Task<(HttpStatusCode Status, string? Cache, string Body)> SendAsync(HttpClient client, HttpMethod method, string path, bool noStore = false)
    {
        using var request = new HttpRequestMessage(method, path);
        if (noStore)
        {
            request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoStore = true };
        }

        using var response = await client.SendAsync(request, Token);
        return (response.StatusCode, response.Headers.TryGetValues("X-Cache", out var values) ? string.Join(",", values) : null, await response.Content.ReadAsStringAsync(Token));
    }
}

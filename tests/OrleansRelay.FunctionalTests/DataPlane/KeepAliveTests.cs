using System.Net;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// Issue 15: the edge writes a short answer's head and body in one flush, and a longer one as it arrives. One client
/// connection, many answers in a row (as a load generator or a browser sends them): each must arrive whole, and none
/// may wait for the next request or a timeout to be sent.
/// </summary>
[Collection(DataPlaneCollection.Name)]
public sealed class KeepAliveTests(DataPlaneFixture fixture)
{
    private static readonly TimeSpan PerRequestLimit = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(DataPlaneFixture.SameEdge)]
    [InlineData(DataPlaneFixture.CrossEdge)]
    public async Task SequentialRequestsOnOneConnection_EveryAnswerArrivesWhole(string route)
    {
        using var client = DataPlaneHttp.NewClient(fixture.ClientEdge(route).Client.BaseAddress!, PerRequestLimit, maxConnections: 1);
        long[] sizes = [0, 1, 1000, 16 * 1024, 70_000, 300_000];
        for (var i = 0; i < 240; i++)
        {
            var size = sizes[i % sizes.Length];
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            limit.CancelAfter(PerRequestLimit);
            using var request = new HttpRequestMessage(HttpMethod.Get, DataPlaneHttp.Api(DataPlaneFixture.DeviceId, $"blob?size={size}&id=keepalive-{route}-{i}"));
            request.Headers.CacheControl = new() { NoStore = true };
            using var response = await client.SendAsync(request, limit.Token);
            var body = await response.Content.ReadAsByteArrayAsync(limit.Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(size, body.LongLength);
            Assert.Equal(size, response.Content.Headers.ContentLength);
        }
    }
}

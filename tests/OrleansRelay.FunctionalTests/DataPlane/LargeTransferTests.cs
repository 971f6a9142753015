using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// Issue 14: bodies stream end to end. A 1 GiB response and a 256 MiB request body cross the relay byte for byte,
/// on the same edge and across edges, while the process's memory stays flat.
/// </summary>
/// <remarks>
/// The edges, the silo, the daemon, the device's service and the client all run in this one test process, so the
/// resident-set bound below covers every one of them together: stricter than the issue's "each relay process under
/// 64 MiB". The collection runs alone, so no other test's memory counts.
/// </remarks>
[Collection(DataPlaneCollection.Name)]
public sealed class LargeTransferTests(DataPlaneFixture fixture)
{
    private const long ResponseBytes = 1L << 30;
    private const long RequestBytes = 256L << 20;
    private const long MaxRssGrowth = 64L << 20;
    private static readonly TimeSpan TransferLimit = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData(DataPlaneFixture.SameEdge)]
    [InlineData(DataPlaneFixture.CrossEdge)]
    public async Task Get_OneGibibyteResponse_ArrivesByteForByte_WithLessThan64MiBMemoryGrowth(string route)
    {
        var id = $"blob-{route}-{Guid.NewGuid():N}";
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TransferLimit);
        var watch = Stopwatch.StartNew();
        await using var rss = RssSampler.Start();

        using var response = await fixture.Client(route).GetAsync(
            DataPlaneHttp.Api(DataPlaneFixture.DeviceId, $"blob?size={ResponseBytes}&id={id}"), HttpCompletionOption.ResponseHeadersRead, limit.Token);
        await AssertOkAsync(response);
        await using var body = await response.Content.ReadAsStreamAsync(limit.Token);
        var received = await StreamHash.ComputeAsync(body, limit.Token);
        var growth = rss.Growth;

        Report(route, "1 GiB response", ResponseBytes, watch.Elapsed, rss);
        Assert.Equal(ResponseBytes, received.Length);
        await Eventually.TrueAsync(() => fixture.Service.Blobs.ContainsKey(id), "the device service to record what it sent");
        Assert.Equal(fixture.Service.Blobs[id], received);
        Assert.True(growth < MaxRssGrowth, $"the test process grew by {growth / (1 << 20)} MiB during the transfer (bound: 64 MiB for edges, silo, daemon, service and client together)");
    }

    [Theory]
    [InlineData(DataPlaneFixture.SameEdge)]
    [InlineData(DataPlaneFixture.CrossEdge)]
    public async Task Post_256MebibyteBody_ReachesTheDeviceByteForByte_WithLessThan64MiBMemoryGrowth(string route)
    {
        var seed = DeterministicStream.SeedOf($"upload-{route}-{Guid.NewGuid():N}");
        using var sent = new DeterministicStream(seed, RequestBytes);
        var expected = await StreamHash.ComputeAsync(sent, TestContext.Current.CancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TransferLimit);
        var watch = Stopwatch.StartNew();
        await using var rss = RssSampler.Start();

        using var content = new StreamContent(new DeterministicStream(seed, RequestBytes), 64 * 1024);
        content.Headers.ContentLength = RequestBytes;
        content.Headers.ContentType = new("application/octet-stream");
        using var response = await fixture.Client(route).PostAsync(DataPlaneHttp.Api(DataPlaneFixture.DeviceId, "hash"), content, limit.Token);
        var growth = rss.Growth;
        await AssertOkAsync(response);
        var hashed = await response.Content.ReadFromJsonAsync<UploadHash>(limit.Token);

        Report(route, "256 MiB request", RequestBytes, watch.Elapsed, rss);
        Assert.Equal(new UploadHash(expected.Length, expected.Sha256), hashed);
        Assert.True(growth < MaxRssGrowth, $"the test process grew by {growth / (1 << 20)} MiB during the upload (bound: 64 MiB for edges, silo, daemon, service and client together)");
    }

    private static async Task AssertOkAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // An error body is small; a relayed body is not read here.
            Assert.Fail($"expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
    }

    private static void Report(string route, string what, long bytes, TimeSpan elapsed, RssSampler rss) =>
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{what}, {route}: {elapsed.TotalSeconds:0.0} s ({bytes / (1 << 20) / elapsed.TotalSeconds:0} MiB/s); RSS baseline {rss.Baseline / (1 << 20)} MiB, max {rss.Max / (1 << 20)} MiB, growth {rss.Growth / (1 << 20)} MiB");
}

using System.Diagnostics;
using System.Net;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// Issue 14: responses without end (the device's own Server-Sent Events, an MJPEG-style camera stream) reach the
/// client as the device sends them; the client going away cancels the device's request; the device failing
/// mid-stream fails the client's read instead of ending it cleanly.
/// </summary>
/// <remarks>
/// "The first event within 100 ms" is asserted as an order, not a time: the device sends event n+1 only after the
/// client has read event n, so a relay that buffers anything never delivers event 1. The observed latency (device
/// flush to client read, one process and one clock) goes to the test output.
/// </remarks>
[Collection(DataPlaneCollection.Name)]
public sealed class EndlessStreamTests(DataPlaneFixture fixture)
{
    private const int Events = 5;
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A bound on a hang, not a latency target: the abort's latency (0–60 ms here alone, the issue asks for under a
    /// second) goes to the test output. 3 s failed twice in full suites on a loaded 2-core machine (cross-edge, the
    /// longest chain: client, edge, peer edge, daemon, service), which a timing assertion must not do.
    /// </summary>
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(10);

    public static TheoryData<string, string> Streams => new()
    {
        { "sse", DataPlaneFixture.SameEdge },
        { "sse", DataPlaneFixture.CrossEdge },
        { "mjpeg", DataPlaneFixture.SameEdge },
        { "mjpeg", DataPlaneFixture.CrossEdge },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task EndlessStream_EachEventReachesTheClientBeforeTheNextIsSent_AndClosingTheClientAbortsTheDeviceRequest(string kind, string route)
    {
        var name = $"{kind}-{route}-{Guid.NewGuid():N}";
        var logsFrom = fixture.ChainLogsNow();
        var control = fixture.Service.Stream(name);
        var response = await DataPlaneHttp.HeadersAsync(fixture.Client(route), DataPlaneHttp.Api(DataPlaneFixture.DeviceId, $"{kind}?stream={name}"), EventTimeout, $"the device's {kind} stream");
        try
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(kind == "sse" ? "text/event-stream" : "multipart/x-mixed-replace", response.Content.Headers.ContentType?.MediaType);
            if (kind == "mjpeg")
            {
                Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "boundary" && p.Value == "frame");
            }

            var reader = new MarkerReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
            for (var number = 1; number <= Events; number++)
            {
                control.Send();
                var readAt = await reader.WaitForAsync(Marker(kind, number), EventTimeout, $"{kind} event {number} (the device sends the next one only after it arrives)");
                if (number == 1)
                {
                    var latency = Stopwatch.GetElapsedTime(control.SentAt(1), readAt);
                    TestContext.Current.TestOutputHelper?.WriteLine($"{kind}, {route}: event 1 read {latency.TotalMilliseconds:0.0} ms after the device began sending it (issue: < 100 ms)");
                }
            }
        }
        finally
        {
            response.Dispose();
        }

        var closedAt = Stopwatch.GetTimestamp();
        long abortedAt;
        try
        {
            abortedAt = await control.Aborted.Task.WaitAsync(AbortTimeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The device's {kind} request was not aborted within {AbortTimeout.TotalSeconds:0} s after the client closed ({route}). The service: {control.Seen}. What the chain logged:{Environment.NewLine}{fixture.ChainLogs(logsFrom)}");
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{kind}, {route}: device request aborted {Stopwatch.GetElapsedTime(closedAt, abortedAt).TotalMilliseconds:0} ms after the client closed");
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task EndlessStream_DeviceFailsMidStream_TheClientsReadFails_NotACleanEnd(string kind, string route)
    {
        var name = $"{kind}-fail-{route}-{Guid.NewGuid():N}";
        var control = fixture.Service.Stream(name);
        using var response = await DataPlaneHttp.HeadersAsync(fixture.Client(route), DataPlaneHttp.Api(DataPlaneFixture.DeviceId, $"{kind}?stream={name}"), EventTimeout, $"the device's {kind} stream");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new MarkerReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        control.Send();
        await reader.WaitForAsync(Marker(kind, 1), EventTimeout, $"{kind} event 1");

        control.Fail();
        var failure = await reader.ReadToEndAsync(TimeSpan.FromSeconds(10), "the device's service aborted its response");

        Assert.True(failure is not null, "the client's response ended cleanly after the device failed mid-stream: a truncated stream must not look complete");
        TestContext.Current.TestOutputHelper?.WriteLine($"{kind}, {route}: the client's read failed with {failure.GetType().Name}: {failure.Message}");
    }

    private static string Marker(string kind, int number) =>
        kind == "sse" ? StreamingDeviceService.SseMarker(number) : StreamingDeviceService.MjpegMarker(number);
}

using System.Collections.Concurrent;
using System.Net;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// Issue 14: a device moving from edge A to edge B under load (a second valid session replaces the first). Edges
/// may keep routes, but no request is ever answered by the old session once the new one is accepted.
/// </summary>
[Collection(DataPlaneCollection.Name)]
public sealed class DeviceMoveTests(DataPlaneFixture fixture)
{
    private const int ClientsPerEdge = 2;
    private const int AnswersPerPhase = 15;

    [Fact]
    public async Task DeviceMovesToAnotherEdgeUnderLoad_NoRequestSentAfterTheNewSessionIsAcceptedIsAnsweredByTheOldOne()
    {
        var deviceId = "dp-move-" + Guid.NewGuid().ToString("N")[..8];
        var secret = await fixture.EdgeA.ProvisionAsync(deviceId);
        await using var one = await StreamingDeviceService.StartAsync("one");
        await using var two = await StreamingDeviceService.StartAsync("two");

        // A replaced daemon waits its maximum backoff before it tries again (and would take the session back): a
        // minute here, so the old daemon stays away for the whole test.
        await using var first = TestDaemon.Launch(TestDaemon.Options(deviceId, secret, one.BaseUri, fixture.EdgeA.DevicePort) with { MaxBackoff = TimeSpan.FromMinutes(1) });
        await Eventually.TrueAsync(() => first.AcceptedSessions > 0, "daemon 1 to be accepted on edge A");
        var edges = new[] { fixture.EdgeA, fixture.EdgeB, fixture.EdgeC };
        var clients = edges.Select(edge => DataPlaneHttp.NewClient(edge.Client.BaseAddress!, TimeSpan.FromSeconds(15))).ToArray();
        using var stop = new CancellationTokenSource();
        try
        {
            await Eventually.TrueAsync(
                async () => (await Task.WhenAll(clients.Select(c => DataPlaneHttp.GetAsync(c, deviceId, "whoami")))).All(o => o.Body == "one"),
                "every edge to reach daemon 1");

            var outcomes = new ConcurrentQueue<RelayOutcome>();
            var sequence = 0L;
            var loops = clients.SelectMany(client => Enumerable.Range(0, ClientsPerEdge).Select(_ => Task.Run(async () =>
            {
                var mine = new List<RelayOutcome>();
                while (!stop.IsCancellationRequested)
                {
                    // A query of its own: the cache must not coalesce a request with one sent before the move.
                    var outcome = await DataPlaneHttp.GetAsync(client, deviceId, $"whoami?n={Interlocked.Increment(ref sequence)}");
                    outcomes.Enqueue(outcome);
                    mine.Add(outcome);
                }

                return mine;
            }))).ToArray();
            await Eventually.TrueAsync(() => outcomes.Count(o => o.Body == "one") >= AnswersPerPhase * loops.Length, "load answered by daemon 1");

            await using var second = TestDaemon.Launch(TestDaemon.Options(deviceId, secret, two.BaseUri, fixture.EdgeB.DevicePort) with { MaxBackoff = TimeSpan.FromMinutes(1) });
            await Eventually.TrueAsync(() => second.AcceptedSessions > 0, "daemon 2 to be accepted on edge B");
            var acceptedAt = second.LastAcceptedAt;
            await Eventually.TrueAsync(() => outcomes.Count(o => o.SentAt > acceptedAt) >= AnswersPerPhase * loops.Length, "load after the move");
            await stop.CancelAsync();
            var perLoop = await Task.WhenAll(loops);

            var all = outcomes.ToArray();
            var after = all.Where(o => o.SentAt > acceptedAt).ToArray();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{all.Length} requests: {Summary(all.Where(o => o.SentAt <= acceptedAt))} before daemon 2 was accepted; {Summary(after)} after");
            Assert.All(all, o => Assert.True(
                o.Status == HttpStatusCode.OK && o.Body is "one" or "two" || o.Status == HttpStatusCode.ServiceUnavailable,
                $"every answer is 200 'one'/'two' or 503; got {o}"));
            var stale = after.Where(o => o.Body == "one").ToArray();
            Assert.True(stale.Length == 0, $"{stale.Length} requests sent after daemon 2 was accepted were answered by daemon 1, e.g. {stale.FirstOrDefault()}");
            var status = await fixture.EdgeA.StatusAsync(deviceId);
            Assert.True(
                perLoop.All(mine => mine[^1].Body == "two"),
                $"the last answers were {string.Join(", ", perLoop.Select(mine => mine[^1]))}, not daemon 2's; daemon 2: {second.AcceptedSessions} sessions, last end {second.Daemon.LastSessionEnd ?? "none"}; status {status}");
            Assert.True(first.AcceptedSessions == 1, "daemon 1 came back during the test: its maximum backoff did not hold it off, and the premise of the test is gone");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static string Summary(IEnumerable<RelayOutcome> outcomes) =>
        string.Join(", ", outcomes.GroupBy(o => o.Status is { } s ? $"{(int)s} {o.Body}" : "failed").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}"));
}

using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Tests.Silo;

[Collection(ClusterCollection.Name)]
public sealed class DeviceGrainTests(ClusterFixture fixture)
{

    [Fact]
    public async Task Provision_Twice_IssuesTheSecretOnlyOnce()
    {
        var grain = Grain("prov-once");

        var first = await grain.Provision("Pump", rotateSecret: false);
        var second = await grain.Provision("Pump", rotateSecret: false);

        Assert.True(first.Created);
        Assert.NotNull(first.Secret);
        Assert.False(second.Created);
        Assert.Null(second.Secret);
    }

    [Fact]
    public async Task Connect_UnknownDevice_IsRejected()
    {
        var (edge, _) = Edge("e1");

        var result = await Grain("never-provisioned").Connect(new DeviceConnectRequest(new byte[32], new byte[32], edge, null));

        Assert.False(result.Accepted);
        Assert.Equal(CloseCodes.UnknownDevice, result.RejectCode);
    }

    [Fact]
    public async Task Connect_WrongProof_IsRejectedAndLeavesTheLiveSessionAlone()
    {
        var grain = Grain("wrong-proof");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edge, observer) = Edge("e1");
        var good = await ConnectAsync(grain, "wrong-proof", secret, edge);

        var nonce = DeviceAuthentication.GenerateNonce();
        var bad = await grain.Connect(new DeviceConnectRequest(nonce, DeviceAuthentication.CreateProof("not-the-secret", nonce, "wrong-proof"), edge, null));
        var status = await grain.GetStatus();

        Assert.False(bad.Accepted);
        Assert.Equal(CloseCodes.BadCredentials, bad.RejectCode);
        Assert.True(status.Online);
        Assert.Equal(good.Epoch, status.Epoch);
        Assert.Empty(observer.Closed);
    }

    [Fact]
    public async Task Connect_SecondSession_ReplacesTheFirstAndTellsItsEdge()
    {
        var grain = Grain("dup");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edgeA, observerA) = Edge("edge-a");
        var (edgeB, observerB) = Edge("edge-b");

        var first = await ConnectAsync(grain, "dup", secret, edgeA);
        var second = await ConnectAsync(grain, "dup", secret, edgeB);

        // The old session's edge was told (and answered) before the new session was accepted: no wait needed here.
        Assert.True(second.Epoch > first.Epoch);
        Assert.Equal([("dup", first.Epoch, SessionCloseReason.Replaced)], observerA.Closed);
        Assert.Empty(observerB.Closed);
        var route = await grain.GetRoute(edgeA);
        Assert.Equal(("edge-b", second.Epoch, "http://edge-b:5072"), (route.EdgeId, route.Epoch, route.DataPlaneUrl));
    }

    [Fact]
    public async Task Disconnect_StaleEpoch_NeverClearsTheNewerSession()
    {
        var grain = Grain("stale");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edge, _) = Edge("e1");
        var first = await ConnectAsync(grain, "stale", secret, edge);
        var second = await ConnectAsync(grain, "stale", secret, edge);

        await grain.Disconnect(first.Epoch, "old socket closed");
        var afterStale = await grain.GetStatus();
        await grain.Disconnect(second.Epoch, "socket closed");
        var afterCurrent = await grain.GetStatus();

        Assert.True(afterStale.Online);
        Assert.Equal(second.Epoch, afterStale.Epoch);
        Assert.False(afterCurrent.Online);
    }

    [Fact]
    public async Task Reattach_OlderEpoch_IsRefused_SameOrNewerIsAccepted()
    {
        var grain = Grain("reattach");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edge, _) = Edge("e1");
        var first = await ConnectAsync(grain, "reattach", secret, edge);
        var second = await ConnectAsync(grain, "reattach", secret, edge);

        Assert.False(await grain.Reattach(new DeviceSessionRef(first.Epoch, edge, DateTimeOffset.UtcNow)));
        Assert.True(await grain.Reattach(new DeviceSessionRef(second.Epoch, edge, DateTimeOffset.UtcNow)));

        await grain.Disconnect(second.Epoch, "gone");
        Assert.True(await grain.Reattach(new DeviceSessionRef(second.Epoch, edge, DateTimeOffset.UtcNow)));
        Assert.True((await grain.GetStatus()).Online);
    }

    [Fact]
    public async Task GetRoute_Offline_IsOffline_Unknown_IsUnregistered()
    {
        var grain = Grain("offline");
        await grain.Provision(null, false);
        var (edge, _) = Edge("e1");

        var offline = await grain.GetRoute(edge);
        var unknown = await Grain("nobody-here").GetRoute(edge);

        Assert.Equal((true, false), (offline.Registered, offline.Online));
        Assert.False(unknown.Registered);
    }

    [Fact]
    public async Task GetRoute_TheAskingEdgeIsToldOfEveryChange()
    {
        var grain = Grain("watched");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (watcher, watcherObserver) = Edge("edge-c");
        var (edgeA, _) = Edge("edge-a");
        var (edgeB, _) = Edge("edge-b");
        Assert.False((await grain.GetRoute(watcher)).Online);

        var first = await ConnectAsync(grain, "watched", secret, edgeA);
        var second = await ConnectAsync(grain, "watched", secret, edgeB);
        await grain.Disconnect(second.Epoch, "socket closed");
        await WaitUntilAsync(() => watcherObserver.Routes.Count >= 3, "three route changes");

        // Pushes are one-way and may arrive in any order; their revisions give the order of the changes.
        var pushes = watcherObserver.Routes.OrderBy(r => r.Route.Revision).ToList();
        Assert.Equal(
            [("edge-a", first.Epoch), ("edge-b", second.Epoch), (null, second.Epoch)],
            pushes.Select(r => (r.Route.EdgeId, r.Route.Epoch)));
        Assert.Equal(3, pushes.Select(r => r.Route.Revision).Distinct().Count());
        Assert.All(watcherObserver.Routes, r => Assert.Equal("watched", r.DeviceId));

        // Whichever order they came in, the newest wins over the others, and an answer asked for later is no older.
        Assert.All(pushes.SkipLast(1), older => Assert.True(pushes[^1].Route.Supersedes(older.Route)));
        Assert.All(pushes.SkipLast(1), older => Assert.False(older.Route.Supersedes(pushes[^1].Route)));
        Assert.True((await grain.GetRoute(watcher)).Revision >= pushes[^1].Route.Revision);
    }

    [Fact]
    public async Task Route_CarriesTheOwnerOfThatSession_AndKeepsItOffline()
    {
        var grain = Grain("handed-over");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (watcher, watcherObserver) = Edge("edge-w");
        var (edgeA, _) = Edge("edge-a");
        Assert.Null((await grain.GetRoute(watcher)).Owner);

        var alice = await ConnectAsync(grain, "handed-over", secret, edgeA, "{\"email\":\"Alice@Example.com\"}");
        await grain.Disconnect(alice.Epoch, "socket closed");
        var bob = await ConnectAsync(grain, "handed-over", secret, edgeA, "{\"email\":\"bob@example.com\"}");
        await WaitUntilAsync(() => watcherObserver.Routes.Count >= 3, "three route changes");

        // Each pushed route names the owner of the session it points at (normalized), so no edge pairs bob's session
        // with alice's access decision; offline, the stored owner stays (the owner gets 503, a stranger 404). Pushes
        // are one-way calls and may arrive in any order: their revisions give the order they were made in.
        Assert.Equal(
            [(alice.Epoch, "alice@example.com", true), (alice.Epoch, "alice@example.com", false), (bob.Epoch, "bob@example.com", true)],
            watcherObserver.Routes.OrderBy(r => r.Route.Revision).Select(r => (r.Route.Epoch, r.Route.Owner, r.Route.Online)));
    }

    [Fact]
    public async Task Connect_WhenTheOldEdgeNeverAnswersTheClose_StillAcceptsTheNewSession()
    {
        var grain = Grain("hung-edge");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edgeA, observerA) = Edge("edge-a");
        var (edgeB, _) = Edge("edge-b");
        await ConnectAsync(grain, "hung-edge", secret, edgeA);
        observerA.CloseGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var second = await ConnectAsync(grain, "hung-edge", secret, edgeB).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var route = await grain.GetRoute(edgeB);
        observerA.CloseGate.SetResult();

        Assert.Equal(("edge-b", second.Epoch), (route.EdgeId, route.Epoch));
        Assert.Single(observerA.Closed);
    }

    [Fact]
    public async Task Provision_Rotate_ClosesTheLiveSessionAndInvalidatesTheOldSecret()
    {
        var grain = Grain("rotate");
        var oldSecret = (await grain.Provision(null, false)).Secret!;
        var (edge, observer) = Edge("e1");
        var session = await ConnectAsync(grain, "rotate", oldSecret, edge);

        var rotated = await grain.Provision(null, rotateSecret: true);
        await observer.WaitForCloseAsync();

        Assert.Equal([("rotate", session.Epoch, SessionCloseReason.CredentialsRevoked)], observer.Closed);
        Assert.False((await grain.GetStatus()).Online);
        var nonce = DeviceAuthentication.GenerateNonce();
        Assert.False((await grain.Connect(new DeviceConnectRequest(nonce, DeviceAuthentication.CreateProof(oldSecret, nonce, "rotate"), edge, null))).Accepted);
        Assert.True((await ConnectAsync(grain, "rotate", rotated.Secret!, edge)).Accepted);
    }

    private IDeviceGrain Grain(string id) => fixture.Client.GetGrain<IDeviceGrain>(id);

    private (EdgeRef Edge, RecordingEdgeObserver Observer) Edge(string id)
    {
        var observer = new RecordingEdgeObserver();
        Observers.Add(observer);
        var edge = new EdgeRef(id, fixture.Client.CreateObjectReference<IEdgeObserver>(observer), $"http://{id}:5072");

        // A live lease, as a real edge keeps: without one, the silo's liveness view declares the edge lost once a poll
        // follows the session's start (on a loaded machine, within a test), and its routes read offline.
        fixture.Client.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key).Renew(edge, TimeSpan.FromMinutes(10)).AsTask().GetAwaiter().GetResult();
        return (edge, observer);
    }

    // Orleans holds observers weakly; keep them alive for the test's duration.
    private List<RecordingEdgeObserver> Observers { get; } = [];

    private static async Task<DeviceConnectResult> ConnectAsync(IDeviceGrain grain, string deviceId, string secret, EdgeRef edge, string infoJson = "{}")
    {
        var nonce = DeviceAuthentication.GenerateNonce();
        var result = await grain.Connect(new DeviceConnectRequest(nonce, DeviceAuthentication.CreateProof(secret, nonce, deviceId), edge, infoJson));
        Assert.True(result.Accepted, result.RejectReason);
        return result;
    }

    [Fact]
    public async Task CacheOperations_GoToTheEdgeHoldingTheSession_WithItsEpoch()
    {
        var grain = Grain("cache-ops");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edge, observer) = Edge("e1");
        var offlineView = await grain.GetCache();
        var session = await ConnectAsync(grain, "cache-ops", secret, edge);

        var view = await grain.GetCache();
        var invalidated = await grain.InvalidateCache(["/x", "/y"]);
        var purged = await grain.PurgeCache();

        Assert.Empty(offlineView.Entries);
        Assert.Equal(["/x"], view.Entries.Select(e => e.Uri));
        Assert.Equal(2, invalidated);
        Assert.Equal(3, purged);
        Assert.Equal(
            [("cache-ops", session.Epoch, "view"), ("cache-ops", session.Epoch, "invalidate /x,/y"), ("cache-ops", session.Epoch, "purge")],
            observer.CacheCalls);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            try
            {
                await Task.Delay(10, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
        }
    }
}

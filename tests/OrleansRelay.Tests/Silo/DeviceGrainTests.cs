using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Tests.Silo;

[Collection(ClusterCollection.Name)]
public sealed class DeviceGrainTests(ClusterFixture fixture)
{
    private static readonly RelayRequest Get = new("GET", "/x", [], [], TimeSpan.FromSeconds(5));

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
        await observerA.WaitForCloseAsync();

        Assert.True(second.Epoch > first.Epoch);
        Assert.Equal([("dup", first.Epoch, SessionCloseReason.Replaced)], observerA.Closed);
        Assert.Empty(observerB.Closed);
        var response = await grain.Relay(Get);
        Assert.Equal(200, response.Status);
        Assert.Single(observerB.Forwarded);
        Assert.Empty(observerA.Forwarded);
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
    public async Task Relay_Offline_AnswersDeviceOffline_Unknown_AnswersUnknownDevice()
    {
        var grain = Grain("offline");
        await grain.Provision(null, false);

        Assert.Equal(RelayError.DeviceOffline, (await grain.Relay(Get)).Error);
        Assert.Equal(RelayError.UnknownDevice, (await Grain("nobody-here").Relay(Get)).Error);
    }

    [Fact]
    public async Task Relay_EdgeSaysSessionGone_ClearsTheSession()
    {
        var grain = Grain("gone");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edge, observer) = Edge("e1");
        await ConnectAsync(grain, "gone", secret, edge);
        observer.Response = () => RelayResponse.Failure(RelayError.DeviceOffline, "not here");

        Assert.Equal(RelayError.DeviceOffline, (await grain.Relay(Get)).Error);
        Assert.False((await grain.GetStatus()).Online);
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
        return (new EdgeRef(id, fixture.Client.CreateObjectReference<IEdgeObserver>(observer)), observer);
    }

    // Orleans holds observers weakly; keep them alive for the test's duration.
    private List<RecordingEdgeObserver> Observers { get; } = [];

    private static async Task<DeviceConnectResult> ConnectAsync(IDeviceGrain grain, string deviceId, string secret, EdgeRef edge)
    {
        var nonce = DeviceAuthentication.GenerateNonce();
        var result = await grain.Connect(new DeviceConnectRequest(nonce, DeviceAuthentication.CreateProof(secret, nonce, deviceId), edge, "{}"));
        Assert.True(result.Accepted, result.RejectReason);
        return result;
    }

    [Fact]
    public async Task Relay_HundredConcurrentGets_ReachTheEdgeOnce()
    {
        var grain = Grain("coalesce");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edge, observer) = Edge("e1");
        await ConnectAsync(grain, "coalesce", secret, edge);
        observer.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var relays = Enumerable.Range(0, 100).Select(_ => grain.Relay(Get).AsTask()).ToArray();
        await WaitUntilAsync(() => !observer.Forwarded.IsEmpty, "the first relay to reach the edge");
        var pending = await grain.GetStatus();
        observer.Gate.SetResult();
        var responses = await Task.WhenAll(relays);

        Assert.True(pending.Online);
        Assert.Single(observer.Forwarded);
        Assert.All(responses, r => Assert.Equal("ok", System.Text.Encoding.UTF8.GetString(r.Body)));
    }

    [Fact]
    public async Task Connect_WhileARelayWaitsOnTheDevice_IsNotHeldUp()
    {
        var grain = Grain("busy");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edgeA, observerA) = Edge("edge-a");
        var (edgeB, _) = Edge("edge-b");
        await ConnectAsync(grain, "busy", secret, edgeA);
        observerA.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hanging = grain.Relay(Get with { Method = "POST" }).AsTask();
        await WaitUntilAsync(() => !observerA.Forwarded.IsEmpty, "the relay to reach the edge");

        var second = await ConnectAsync(grain, "busy", secret, edgeB).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var status = await grain.GetStatus().AsTask().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(second.Epoch, status.Epoch);
        Assert.False(hanging.IsCompleted);
        observerA.Gate.SetResult();
        await hanging;
    }

    [Fact]
    public async Task Cache_IsVisibleAndPurgeable_AndDeviceInvalidationDropsEntries()
    {
        var grain = Grain("cache-ops");
        var secret = (await grain.Provision(null, false)).Secret!;
        var (edge, observer) = Edge("e1");
        await ConnectAsync(grain, "cache-ops", secret, edge);
        await grain.Relay(Get);
        await grain.Relay(Get with { PathAndQuery = "/y" });

        var view = await grain.GetCache();
        var invalidated = await grain.InvalidateCache(["/x"]);
        var purged = await grain.PurgeCache();

        Assert.Equal(["/x", "/y"], view.Entries.Select(e => e.Uri).Order());
        Assert.True(view.Bytes > 0);
        Assert.Equal(1, invalidated);
        Assert.Equal(1, purged);
        Assert.Empty((await grain.GetCache()).Entries);
        Assert.Equal(2, observer.Forwarded.Count);
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

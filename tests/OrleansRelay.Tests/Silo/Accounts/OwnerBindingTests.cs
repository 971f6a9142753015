using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Accounts;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Tests.Silo.Accounts;

/// <summary>
/// A device binds its owner's account on connect until the account says the binding is settled; after that its
/// reconnects leave the account alone (no activation, no storage read per reconnect), unless the mail still has to go.
/// Each test runs its own cluster: the mail settings differ.
/// </summary>
public sealed class OwnerBindingTests
{
    /// <summary>Calls to account grains in every test cluster of this class: (account key, method, done?).</summary>
    private static readonly ConcurrentQueue<(string Account, string Method, bool Done)> AccountCalls = new();

    [Fact]
    public async Task Reconnects_AfterTheBindingSettled_DoNotBindAgain()
    {
        var pickup = Directory.CreateTempSubdirectory("orleansrelay-bind-mail-");
        await using var cluster = await StartClusterAsync(new MailOptions { PickupDirectory = pickup.FullName });
        const string Owner = "settled-owner@example.com";
        var (grain, secret, edge) = await ProvisionAsync(cluster, "bind-settled");

        await ConnectAndAwaitBindAsync(grain, "bind-settled", secret, edge, Owner, binds: 1);
        Assert.Single(pickup.GetFiles("*.eml"));

        await ConnectAsync(grain, "bind-settled", secret, edge, Owner);
        await ConnectAsync(grain, "bind-settled", secret, edge, Owner);
        await MarkAsync(cluster, Owner);

        Assert.Equal(1, CallsTo(Owner, "Bind", done: false));
        Assert.Equal(["bind-settled"], await cluster.Client.GetGrain<IAccountGrain>(Owner).GetDevices());
        Assert.Single(pickup.GetFiles("*.eml"));
    }

    [Fact]
    public async Task Reconnects_WhileTheConfirmationMailFails_BindAgain_SoTheMailIsRetried()
    {
        // An SMTP relay that refuses connections: a port nothing listens on.
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var cluster = await StartClusterAsync(new MailOptions { Host = "127.0.0.1", Port = closedPort, Security = "None" });
        const string Owner = "unmailed-owner@example.com";
        var (grain, secret, edge) = await ProvisionAsync(cluster, "bind-unmailed");

        await ConnectAndAwaitBindAsync(grain, "bind-unmailed", secret, edge, Owner, binds: 1);

        // The second bind is the mail's retry.
        await ConnectAndAwaitBindAsync(grain, "bind-unmailed", secret, edge, Owner, binds: 2);
    }

    [Fact]
    public async Task ANewAddress_IsBound_AndTheOldOneUnbound_AfterTheFirstSettled()
    {
        await using var cluster = await StartClusterAsync(PickupMail());
        const string First = "first-owner@example.com";
        const string Second = "second-owner@example.com";
        var (grain, secret, edge) = await ProvisionAsync(cluster, "bind-moves");
        await ConnectAndAwaitBindAsync(grain, "bind-moves", secret, edge, First, binds: 1);

        await ConnectAndAwaitBindAsync(grain, "bind-moves", secret, edge, Second, binds: 1);

        Assert.Empty(await cluster.Client.GetGrain<IAccountGrain>(First).GetDevices());
        Assert.Equal(["bind-moves"], await cluster.Client.GetGrain<IAccountGrain>(Second).GetDevices());
    }

    [Fact]
    public async Task Deregistering_TheDevice_UnbindsItFromItsOwner_AndProvisionedAgainItBindsAgain()
    {
        await using var cluster = await StartClusterAsync(PickupMail());
        const string Owner = "leaving-owner@example.com";
        var (grain, secret, edge) = await ProvisionAsync(cluster, "bind-leaves");
        await ConnectAndAwaitBindAsync(grain, "bind-leaves", secret, edge, Owner, binds: 1);
        var account = cluster.Client.GetGrain<IAccountGrain>(Owner);

        Assert.True(await grain.Deregister());

        Assert.Empty(await account.GetDevices());
        var again = (await grain.Provision(null, rotateSecret: false)).Secret!;
        await ConnectAndAwaitBindAsync(grain, "bind-leaves", again, edge, Owner, binds: 2);
        Assert.Equal(["bind-leaves"], await account.GetDevices());
    }

    private static MailOptions PickupMail() => new() { PickupDirectory = Directory.CreateTempSubdirectory("orleansrelay-bind-mail-").FullName };

    /// <summary>
    /// Connects naming <paramref name="owner"/> and waits until the account has answered <paramref name="binds"/> binds
    /// in all, then asks the device grain for its status: the bind's answer left the account before that call was made,
    /// so the grain takes the answer in first.
    /// </summary>
    private static async Task ConnectAndAwaitBindAsync(IDeviceGrain grain, string deviceId, string secret, EdgeRef edge, string owner, int binds)
    {
        await ConnectAsync(grain, deviceId, secret, edge, owner);
        await Eventually.TrueAsync(() => Task.FromResult(CallsTo(owner, "Bind", done: true) == binds), $"bind {binds} of {owner}");
        await grain.GetStatus();
    }

    private static int CallsTo(string account, string method, bool done) =>
        AccountCalls.Count(c => c.Account == account && c.Method == method && c.Done == done);

    /// <summary>
    /// A call to the account from the client, after the connects: a bind those connects sent went into the account's
    /// queue before it, so once it is seen, no bind is still on its way.
    /// </summary>
    private static async Task MarkAsync(InProcessTestCluster cluster, string account)
    {
        await cluster.Client.GetGrain<IAccountGrain>(account).GetDevices();
        await Eventually.TrueAsync(() => Task.FromResult(CallsTo(account, "GetDevices", done: true) >= 1), "the marker call");
    }

    private static async Task<InProcessTestCluster> StartClusterAsync(MailOptions mail)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(Options.Create(mail));
            silo.AddMemoryGrainStorage(RelaySiloDefaults.DeviceStorageName)
                .AddMemoryGrainStorage(RelaySiloDefaults.AccountStorageName)
                .AddRelayGrainServices();
            silo.AddIncomingGrainCallFilter(async context =>
            {
                var account = context.InterfaceMethod?.DeclaringType == typeof(IAccountGrain) ? context.TargetId.Key.ToString() : null;
                if (account is not null)
                {
                    AccountCalls.Enqueue((account, context.InterfaceMethod!.Name, false));
                }

                await context.Invoke();
                if (account is not null)
                {
                    AccountCalls.Enqueue((account, context.InterfaceMethod!.Name, true));
                }
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private static async Task<(IDeviceGrain Grain, string Secret, EdgeRef Edge)> ProvisionAsync(InProcessTestCluster cluster, string deviceId)
    {
        var grain = cluster.Client.GetGrain<IDeviceGrain>(deviceId);
        var secret = (await grain.Provision(null, rotateSecret: false)).Secret!;
        var observer = new RecordingEdgeObserver();
        Observers.Add(observer);
        var edge = new EdgeRef("bind-edge", cluster.Client.CreateObjectReference<IEdgeObserver>(observer), "http://bind-edge:5072");
        await cluster.Client.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key).Renew(edge, TimeSpan.FromMinutes(10));
        return (grain, secret, edge);
    }

    // Orleans holds observers weakly; keep them alive for the tests' duration.
    private static ConcurrentBag<RecordingEdgeObserver> Observers { get; } = [];

    private static async Task ConnectAsync(IDeviceGrain grain, string deviceId, string secret, EdgeRef edge, string owner)
    {
        var nonce = DeviceAuthentication.GenerateNonce();
        var info = $$"""{"email":"{{owner}}"}""";
        var result = await grain.Connect(new DeviceConnectRequest(nonce, DeviceAuthentication.CreateProof(secret, nonce, deviceId), edge, info));
        Assert.True(result.Accepted, result.RejectReason);
    }
}

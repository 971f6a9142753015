using Microsoft.Extensions.Time.Testing;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.DataPlane;

namespace OrleansRelay.Tests.Edge.DataPlane;

/// <summary>
/// Route pushes are one-way Orleans calls and can arrive out of order: the edge keeps the newest route (by epoch, then
/// revision), not the last to arrive.
/// </summary>
public sealed class DeviceRoutesOrderTests
{
    private const string Device = "ordered";

    [Fact]
    public async Task AnOlderPushArrivingLast_AtTheSameEpoch_DoesNotBringTheEndedSessionBack()
    {
        var online = new DeviceRoute(true, "edge-b", 2, "http://b", Revision: 100);
        var offline = new DeviceRoute(true, null, 2, null, Revision: 101);

        Assert.Same(offline, await KeptAfterAsync(offline, online));
    }

    [Fact]
    public async Task ALaterRevision_AtTheSameEpoch_Replaces_ItsEdgeIsBack()
    {
        var lost = new DeviceRoute(true, null, 2, null, Revision: 100);
        var back = new DeviceRoute(true, "edge-b", 2, "http://b", Revision: 101);

        Assert.Same(back, await KeptAfterAsync(lost, back));
    }

    [Fact]
    public async Task ALaterEpoch_Wins_WhateverTheRevisions()
    {
        var newer = new DeviceRoute(true, "edge-a", 3, "http://a", Revision: 5);
        var older = new DeviceRoute(true, "edge-b", 2, "http://b", Revision: 900);

        Assert.Same(newer, await KeptAfterAsync(newer, older));
    }

    [Fact]
    public void UnstampedRoutes_OfOneEpoch_KeepTheLaterWord()
    {
        var first = new DeviceRoute(true, "edge-b", 2, "http://b");
        var second = new DeviceRoute(true, null, 2, null);

        Assert.True(second.Supersedes(first));
        Assert.True(first.Supersedes(second));
    }

    /// <summary>
    /// The route an edge's table holds after <paramref name="pushes"/> arrived in this order. The table never asks a
    /// grain here: every route it resolves was pushed first.
    /// </summary>
    private static async Task<DeviceRoute> KeptAfterAsync(params DeviceRoute[] pushes)
    {
        var routes = new DeviceRoutes(null!, null!, new FakeTimeProvider(DateTimeOffset.UtcNow));
        foreach (var push in pushes)
        {
            routes.OnChanged(Device, push);
        }

        return await routes.ResolveAsync(Device);
    }
}

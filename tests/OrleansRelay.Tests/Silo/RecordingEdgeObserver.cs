using System.Collections.Concurrent;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Tests.Silo;

/// <summary>A real Orleans observer standing in for an edge: records close requests, route changes and cache calls.</summary>
internal sealed class RecordingEdgeObserver : IEdgeObserver
{
    private readonly SemaphoreSlim _closed = new(0);

    public ConcurrentQueue<(string DeviceId, long Epoch, SessionCloseReason Reason)> Closed { get; } = new();

    public ConcurrentQueue<(string DeviceId, DeviceRoute Route)> Routes { get; } = new();

    public ConcurrentQueue<(string DeviceId, long Epoch, string Operation)> CacheCalls { get; } = new();

    /// <summary>When set, close requests wait for it (an edge that does not answer).</summary>
    public TaskCompletionSource? CloseGate { get; set; }

    public ConcurrentQueue<string?> Revocations { get; } = new();

    public Task CredentialsRevoked(string? email)
    {
        Revocations.Enqueue(email);
        return Task.CompletedTask;
    }

    public Task RouteChanged(string deviceId, DeviceRoute route)
    {
        Routes.Enqueue((deviceId, route));
        return Task.CompletedTask;
    }

    public Task<DeviceCacheView?> GetCache(string deviceId, long epoch)
    {
        CacheCalls.Enqueue((deviceId, epoch, "view"));
        return Task.FromResult<DeviceCacheView?>(new DeviceCacheView(42, 0, [new CacheEntryView("/x", string.Empty, 42, TimeSpan.Zero, TimeSpan.FromSeconds(5), "\"e\"")]));
    }

    public Task<int> PurgeCache(string deviceId, long epoch)
    {
        CacheCalls.Enqueue((deviceId, epoch, "purge"));
        return Task.FromResult(3);
    }

    public Task<int> InvalidateCache(string deviceId, long epoch, string[] paths)
    {
        CacheCalls.Enqueue((deviceId, epoch, "invalidate " + string.Join(",", paths)));
        return Task.FromResult(paths.Length);
    }

    public async Task CloseSession(string deviceId, long epoch, SessionCloseReason reason)
    {
        Closed.Enqueue((deviceId, epoch, reason));
        _closed.Release();
        if (CloseGate is { } gate)
        {
            await gate.Task;
        }
    }

    /// <summary>What this edge answers when a re-activated grain asks whether it holds the device.</summary>
    public HeldSession? Held { get; set; }

    public Task<HeldSession?> FindSession(string deviceId) => Task.FromResult(Held);

    public ConcurrentQueue<(string DeviceId, DeviceEvent Event)> Delivered { get; } = new();

    public Task DeliverEvents(string deviceId, DeviceEvent[] events)
    {
        foreach (var deviceEvent in events)
        {
            Delivered.Enqueue((deviceId, deviceEvent));
        }

        return Task.CompletedTask;
    }

    public async Task WaitForCloseAsync()
    {
        if (!await _closed.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))
        {
            throw new TimeoutException("The grain never told the edge to close the session.");
        }
    }
}

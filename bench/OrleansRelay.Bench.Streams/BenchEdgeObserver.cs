using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Bench.Streams;

/// <summary>The edge side of the observer push (what SSE/SignalR feeds use today): records each pushed notification.</summary>
internal sealed class BenchEdgeObserver : IEdgeObserver
{
    public Task DeliverEvents(string deviceId, DeviceEvent[] events)
    {
        foreach (var deviceEvent in events)
        {
            LatencyRecorder.Observer.Record(deviceEvent.Data);
        }

        return Task.CompletedTask;
    }

    public Task CloseSession(string deviceId, long epoch, SessionCloseReason reason) => Task.CompletedTask;

    public Task<HeldSession?> FindSession(string deviceId) => Task.FromResult<HeldSession?>(null);

    public Task RouteChanged(string deviceId, DeviceRoute route) => Task.CompletedTask;

    public Task CredentialsRevoked(string? email) => Task.CompletedTask;

    public Task<DeviceCacheView?> GetCache(string deviceId, long epoch) => Task.FromResult<DeviceCacheView?>(null);

    public Task<int> PurgeCache(string deviceId, long epoch) => Task.FromResult(0);

    public Task<int> InvalidateCache(string deviceId, long epoch, string[] paths) => Task.FromResult(0);
}

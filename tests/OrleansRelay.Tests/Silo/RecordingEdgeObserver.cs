using System.Collections.Concurrent;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Tests.Silo;

/// <summary>A real Orleans observer standing in for an edge: records close requests and answers relays with a canned response.</summary>
internal sealed class RecordingEdgeObserver : IEdgeObserver
{
    private readonly SemaphoreSlim _closed = new(0);

    public ConcurrentQueue<(string DeviceId, long Epoch, SessionCloseReason Reason)> Closed { get; } = new();

    public ConcurrentQueue<(string DeviceId, long Epoch, RelayRequest Request)> Forwarded { get; } = new();

    public Func<RelayResponse> Response { get; set; } = () => new RelayResponse(200, "OK", [], "ok"u8.ToArray(), RelayError.None, null);

    /// <summary>When set, forwarded requests wait for it (to hold relays in flight).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task<RelayResponse> Forward(string deviceId, long epoch, RelayRequest request)
    {
        Forwarded.Enqueue((deviceId, epoch, request));
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return Response();
    }

    public Task CloseSession(string deviceId, long epoch, SessionCloseReason reason)
    {
        Closed.Enqueue((deviceId, epoch, reason));
        _closed.Release();
        return Task.CompletedTask;
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

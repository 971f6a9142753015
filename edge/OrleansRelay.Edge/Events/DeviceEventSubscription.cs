using System.Threading.Channels;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Edge.Events;

/// <summary>
/// One local subscriber's view of a device's events (an SSE response, a SignalR connection). Bounded: a subscriber
/// that falls this far behind is ended rather than silently skipped; it resumes by id from the grain's log.
/// </summary>
internal sealed class DeviceEventSubscription : IDisposable
{
    public const int Capacity = 10_000;

    private readonly Channel<DeviceEvent> _events = Channel.CreateBounded<DeviceEvent>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Action<DeviceEventSubscription> _release;
    private int _released;

    public DeviceEventSubscription(string deviceId, Action<DeviceEventSubscription> release)
    {
        DeviceId = deviceId;
        _release = release;
    }

    public string DeviceId { get; }

    /// <summary>True once the subscriber fell behind by <see cref="Capacity"/> events and was ended.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>The events, in id order; completes when the subscriber overflowed.</summary>
    public ChannelReader<DeviceEvent> Events => _events.Reader;

    internal void Push(DeviceEvent deviceEvent)
    {
        if (!_events.Writer.TryWrite(deviceEvent))
        {
            Overflowed = true;
            _events.Writer.TryComplete();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _events.Writer.TryComplete();
            _release(this);
        }
    }
}

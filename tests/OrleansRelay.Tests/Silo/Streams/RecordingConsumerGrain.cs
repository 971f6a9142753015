using System.Collections.Concurrent;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Events.Streams;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Tests.Silo.Streams;

/// <summary>
/// A consumer grain as a team would write one: records every event it handles, with the silo that handled it, in a
/// process-wide list (all silos of the in-process test cluster share the process).
/// </summary>
[ImplicitChannelSubscription(DeviceEventStreams.Namespace)]
[ImplicitStreamSubscription(DeviceEventStreams.Namespace)]
public sealed class RecordingConsumerGrain : DeviceEventConsumerGrain, IRecordingConsumerGrain
{
    public RecordingConsumerGrain([PersistentState("test-consumer", RelaySiloDefaults.DeviceStorageName)] IPersistentState<DeviceEventPosition> position)
        : base(position)
    {
    }

    public static ConcurrentDictionary<string, ConcurrentQueue<(DeviceEvent Event, string Silo)>> Handled { get; } = new(StringComparer.Ordinal);

    public Task<long> GetPosition() => Task.FromResult(LastEventId);

    protected override Task HandleAsync(IReadOnlyList<DeviceEvent> events)
    {
        var handled = Handled.GetOrAdd(DeviceId, _ => new());
        foreach (var deviceEvent in events)
        {
            handled.Enqueue((deviceEvent, RuntimeIdentity));
        }

        return Task.CompletedTask;
    }
}

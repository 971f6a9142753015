using System.Collections.Concurrent;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Events.Streams;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Tests.Silo.Streams;

/// <summary>
/// A consumer whose handler fails the first time it meets an event reading <c>fail-once</c>: the stream's delivery of
/// that event is then lost to it, and only the catch-up from the log can bring it back.
/// </summary>
[ImplicitChannelSubscription(DeviceEventStreams.Namespace)]
[ImplicitStreamSubscription(DeviceEventStreams.Namespace)]
public sealed class FlakyConsumerGrain : DeviceEventConsumerGrain, IFlakyConsumerGrain
{
    private static readonly ConcurrentDictionary<string, bool> Failed = new(StringComparer.Ordinal);

    public FlakyConsumerGrain([PersistentState("flaky-consumer", RelaySiloDefaults.DeviceStorageName)] IPersistentState<DeviceEventPosition> position)
        : base(position)
    {
    }

    public static ConcurrentDictionary<string, ConcurrentQueue<long>> Handled { get; } = new(StringComparer.Ordinal);

    public Task<long> GetPosition() => Task.FromResult(LastEventId);

    protected override Task HandleAsync(IReadOnlyList<DeviceEvent> events)
    {
        if (events.Any(e => e.Data == "fail-once") && Failed.TryAdd(DeviceId, true))
        {
            throw new InvalidOperationException("failing once on purpose");
        }

        var handled = Handled.GetOrAdd(DeviceId, _ => new());
        foreach (var deviceEvent in events)
        {
            handled.Enqueue(deviceEvent.Id);
        }

        return Task.CompletedTask;
    }
}

[Alias("OrleansRelay.Tests.IFlakyConsumerGrain")]
public interface IFlakyConsumerGrain : IGrainWithStringKey
{
    [Alias("GetPosition")]
    Task<long> GetPosition();
}

using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Events.Streams;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Bench.Streams;

/// <summary>A consumer grain as a team writes one; it records each notification's latency when it is handed over.</summary>
[ImplicitChannelSubscription(DeviceEventStreams.Namespace)]
[ImplicitStreamSubscription(DeviceEventStreams.Namespace)]
internal sealed class BenchConsumerGrain : DeviceEventConsumerGrain
{
    public BenchConsumerGrain([PersistentState("bench-position", RelaySiloDefaults.DeviceStorageName)] IPersistentState<DeviceEventPosition> position)
        : base(position)
    {
    }

    protected override bool StartAtLogStart => false;

    protected override Task HandleAsync(IReadOnlyList<DeviceEvent> events)
    {
        foreach (var deviceEvent in events)
        {
            LatencyRecorder.Consumer.Record(deviceEvent.Data);
        }

        return Task.CompletedTask;
    }
}

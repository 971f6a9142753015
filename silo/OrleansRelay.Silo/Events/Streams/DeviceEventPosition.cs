namespace OrleansRelay.Silo.Events.Streams;

/// <summary>A consumer grain's persisted position in its device's log: the last event id it handled.</summary>
[GenerateSerializer, Alias("OrleansRelay.DeviceEventPosition")]
public sealed class DeviceEventPosition
{
    /// <summary>The id of the last event handled (0: none yet).</summary>
    [Id(0)]
    public long LastEventId { get; set; }
}

namespace OrleansRelay.Contracts.Model;

/// <summary>A notification as the device's daemon sent it: its sequence number (for deduplication) and its text.</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceNotification")]
public sealed record DeviceNotification(
    [property: Id(0)] long Sequence,
    [property: Id(1)] string Text);

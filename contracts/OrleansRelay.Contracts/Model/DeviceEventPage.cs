namespace OrleansRelay.Contracts.Model;

/// <summary>
/// Events after a given id, as far as the replay window still holds them. When <see cref="Gap"/> is true the caller
/// asked for events older than the window: <see cref="Events"/> starts at <see cref="OldestId"/>, and what came
/// between is gone.
/// </summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.DeviceEventPage")]
public sealed record DeviceEventPage(
    [property: Id(0)] DeviceEvent[] Events,
    [property: Id(1)] long OldestId,
    [property: Id(2)] long LastId,
    [property: Id(3)] bool Gap);

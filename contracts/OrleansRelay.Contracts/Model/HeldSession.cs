namespace OrleansRelay.Contracts.Model;

/// <summary>An edge's answer to "do you hold this device's socket?": the session's epoch and when it connected.</summary>
[GenerateSerializer, Immutable, Alias("OrleansRelay.HeldSession")]
public sealed record HeldSession(
    [property: Id(0)] long Epoch,
    [property: Id(1)] DateTimeOffset ConnectedAt);

using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Grains;

/// <summary>The device's live connection: which edge holds the socket, and the epoch that tells sessions apart.</summary>
internal sealed record DeviceSession(long Epoch, EdgeRef Edge, DateTimeOffset ConnectedAt, string? InfoJson);

using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Grains;

/// <summary>The device's live connection: which edge holds the socket, and the epoch that tells sessions apart.</summary>
/// <param name="Epoch">The session's epoch, larger for every later session of the device.</param>
/// <param name="Edge">The edge holding the device's socket.</param>
/// <param name="ConnectedAt">When the edge accepted the session.</param>
/// <param name="InfoJson">The device's info from its hello, if any.</param>
/// <param name="Owner">
/// The normalized address the session's hello names (for a session found again after a silo loss: the stored one). It
/// travels in the route together with the epoch, so an edge's cached access decision always matches the session it reaches.
/// </param>
internal sealed record DeviceSession(long Epoch, EdgeRef Edge, DateTimeOffset ConnectedAt, string? InfoJson, string? Owner);

using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Edge.Caching;

/// <summary>
/// Sends a request to the device. With <paramref name="bufferForCache"/>, a 200 response small enough to store comes
/// back with its body in memory; otherwise the body may still be streaming (<see cref="RelayResponse.BodyStream"/>).
/// </summary>
internal delegate Task<RelayResponse> DeviceForward(RelayRequest request, bool bufferForCache);

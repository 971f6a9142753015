namespace OrleansRelay.LoadTest.Clients;

/// <summary>One relayed request a client sends: through which edge, to which device, what.</summary>
internal sealed record RelayCall(int EdgeIndex, string DeviceId, HttpMethod Method, string Path, bool NoCache, byte[]? Body);

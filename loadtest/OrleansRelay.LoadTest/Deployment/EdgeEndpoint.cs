using System.Net;

namespace OrleansRelay.LoadTest.Deployment;

/// <summary>One edge as the load test reaches it: the client API and the device port.</summary>
internal sealed record EdgeEndpoint(Uri Http, IPEndPoint Device, int DataPlanePort);

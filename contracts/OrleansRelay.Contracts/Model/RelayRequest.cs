namespace OrleansRelay.Contracts.Model;

/// <summary>An HTTP request relayed to a device's local REST service.</summary>
/// <param name="Method">HTTP method token.</param>
/// <param name="PathAndQuery">Path and query on the device's service, starting with <c>/</c>.</param>
/// <param name="Headers">End-to-end headers to forward (hop-by-hop and relay credentials already removed).</param>
/// <param name="Body">The request body (empty for none).</param>
/// <param name="Timeout">How long the edge that holds the device socket waits for the device's response.</param>
[GenerateSerializer, Immutable, Alias("OrleansRelay.RelayRequest")]
public sealed record RelayRequest(
    [property: Id(0)] string Method,
    [property: Id(1)] string PathAndQuery,
    [property: Id(2)] KeyValuePair<string, string>[] Headers,
    [property: Id(3)] byte[] Body,
    [property: Id(4)] TimeSpan Timeout);

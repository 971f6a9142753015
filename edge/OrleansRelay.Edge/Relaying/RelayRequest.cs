namespace OrleansRelay.Edge.Relaying;

/// <summary>An HTTP request on its way to a device's local REST service.</summary>
/// <param name="Method">HTTP method token.</param>
/// <param name="PathAndQuery">Path and query on the device's service, starting with <c>/</c>.</param>
/// <param name="Headers">End-to-end headers to forward (hop-by-hop and relay credentials already removed).</param>
/// <param name="Body">A body held in memory (empty for none); ignored when <see cref="BodyStream"/> is set.</param>
/// <param name="Timeout">How long to wait for the device's response head.</param>
internal sealed record RelayRequest(
    string Method,
    string PathAndQuery,
    KeyValuePair<string, string>[] Headers,
    byte[] Body,
    TimeSpan Timeout)
{
    /// <summary>A body that streams (the client's request body): read once, to its end, as the device consumes it.</summary>
    public Stream? BodyStream { get; init; }

    /// <summary>The streaming body's declared length (its <c>Content-Length</c>), when the client declared one.</summary>
    public long? BodyStreamLength { get; init; }

    /// <summary>Whether the request has a body to send.</summary>
    public bool HasBody => BodyStream is not null || Body.Length > 0;
}

using OrleansRelay.Wire;

namespace OrleansRelay.Device;

/// <summary>
/// Answers the requests that reach the device: relayed from the cloud or made on the LAN. <see cref="LocalForwarder"/>
/// forwards them to a separate REST service; a .NET device application can implement this to answer in-process.
/// </summary>
public interface IHttpRequestHandler
{
    /// <summary>
    /// Answers one request. <paramref name="body"/> is null when the request has none. The returned response's content
    /// is read (streamed) and disposed by the caller; return as soon as the head is known.
    /// </summary>
    /// <exception cref="HttpRequestException">The service failed; the caller answers 502.</exception>
    Task<HttpResponseMessage> SendAsync(HttpRequestHead head, Stream? body, CancellationToken cancellationToken);
}

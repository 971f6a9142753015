using System.Net;
using OrleansRelay.Wire;

namespace OrleansRelay.Device;

/// <summary>
/// The daemon's HTTP client for the device's own REST service: one pooled keep-alive handler with proxy, redirects,
/// decompression and cookies off, so requests reach the service exactly as relayed.
/// </summary>
public sealed class LocalForwarder : IHttpRequestHandler, IDisposable
{
    /// <summary>Request header by which clients send a device-level token; the service receives it as <c>Authorization</c>.</summary>
    public const string DeviceAuthorizationHeader = "X-Device-Authorization";

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Authorization",
    };

    private readonly HttpMessageInvoker _invoker;
    private readonly string _origin;

    /// <summary>Creates the forwarder for the service at <paramref name="baseUri"/>.</summary>
    public LocalForwarder(Uri baseUri, int maxConnections, TimeSpan connectTimeout)
    {
        _origin = baseUri.GetLeftPart(UriPartial.Authority);
        _invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxConnectionsPerServer = maxConnections,
            ConnectTimeout = connectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        });
    }

    /// <summary>Sends a relayed request; returns as soon as the response head has arrived (the body streams).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestHead head, Stream? body, CancellationToken cancellationToken)
    {
        // The target is appended to the service's origin, never resolved against it: resolving would send a
        // network-path target ("//other-host/x") to another host on the device's network.
        var request = new HttpRequestMessage(new HttpMethod(head.Method), new Uri(_origin + head.Target, UriKind.Absolute));
        if (body is not null)
        {
            request.Content = new StreamContent(body);
        }

        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals(DeviceAuthorizationHeader, StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation("Authorization", value);
            }
            else if (!NotForwarded.Contains(name) && !request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return _invoker.SendAsync(request, cancellationToken);
    }

    /// <summary>The response head to relay: status, reason and end-to-end headers (content headers included).</summary>
    public static HttpResponseHead ToResponseHead(HttpResponseMessage response)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (NotForwarded.Contains(header.Key))
            {
                continue;
            }

            foreach (var value in header.Value)
            {
                headers.Add(new(header.Key, value));
            }
        }

        return new HttpResponseHead((int)response.StatusCode, response.ReasonPhrase ?? string.Empty, headers);
    }

    /// <inheritdoc />
    public void Dispose() => _invoker.Dispose();
}

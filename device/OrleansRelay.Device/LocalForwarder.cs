using System.Net;
using System.Net.Sockets;
using OrleansRelay.Wire;

namespace OrleansRelay.Device;

/// <summary>
/// The daemon's HTTP client for the device's own REST service: one pooled keep-alive handler with proxy, redirects,
/// decompression and cookies off, so requests reach the service exactly as relayed. Upgrade requests (WebSocket)
/// each get a client of their own, so the tunnel's socket is known and can be half-closed.
/// </summary>
public sealed class LocalForwarder : IHttpRequestHandler, IUpgradeRequestHandler, IDisposable
{
    /// <summary>Request header by which clients send a device-level token; the service receives it as <c>Authorization</c>.</summary>
    public const string DeviceAuthorizationHeader = "X-Device-Authorization";

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Authorization",
    };

    private readonly HttpMessageInvoker _invoker;
    private readonly string _serviceBase;
    private readonly bool _plainText;
    private readonly TimeSpan _connectTimeout;

    /// <summary>
    /// Creates the forwarder for the service at <paramref name="baseUri"/>. Its path is kept: a relayed target is
    /// appended to it (<c>http://127.0.0.1:8080/api</c> + <c>/zones</c> → <c>/api/zones</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The URL has a query or fragment (a target could not be appended to it).</exception>
    public LocalForwarder(Uri baseUri, int maxConnections, TimeSpan connectTimeout)
    {
        _serviceBase = ServiceBase.Of(baseUri);
        _plainText = baseUri.Scheme == Uri.UriSchemeHttp;
        _connectTimeout = connectTimeout;
        var handler = CreateHandler();
        handler.MaxConnectionsPerServer = maxConnections;
        handler.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1);
        _invoker = new HttpMessageInvoker(handler);
    }

    /// <summary>Sends a relayed request; returns as soon as the response head has arrived (the body streams).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestHead head, Stream? body, CancellationToken cancellationToken)
    {
        var request = CreateRequest(head);
        if (body is not null)
        {
            request.Content = new StreamContent(body);
        }

        foreach (var (name, value) in EndToEndHeaders(head))
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return _invoker.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// Sends an upgrade request: HTTP/1.1 exactly, no content, the relayed end-to-end headers plus <c>Connection:
    /// Upgrade</c> and the head's <c>Upgrade</c> header. On 101, SocketsHttpHandler hands over the connection as the
    /// response's content stream (as ClientWebSocket and YARP use it).
    /// </summary>
    async Task<LocalUpgrade> IUpgradeRequestHandler.SendUpgradeAsync(HttpRequestHead head, CancellationToken cancellationToken)
    {
        var request = CreateRequest(head);
        request.Version = HttpVersion.Version11;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        foreach (var (name, value) in EndToEndHeaders(head))
        {
            // A header that belongs on content (Content-Length, Content-Type) is dropped: an upgrade has no body.
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.TryAddWithoutValidation("Upgrade", value);
            }
        }

        // A client of its own per upgrade: its one connection is the tunnel, so its socket is known and can be
        // half-closed when the edge ends its side, and no pooled connection is ever taken over by an upgrade.
        Socket? socket = null;
        var handler = CreateHandler();
        handler.PooledConnectionLifetime = TimeSpan.Zero;
        handler.ConnectCallback = async (context, token) =>
        {
            var connected = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await connected.ConnectAsync(context.DnsEndPoint, token);
            }
            catch
            {
                connected.Dispose();
                throw;
            }

            socket = connected;
            return new NetworkStream(connected, ownsSocket: true);
        };
        var invoker = new HttpMessageInvoker(handler);
        try
        {
            var response = await invoker.SendAsync(request, cancellationToken);
            return new LocalUpgrade(response, invoker, () => _plainText ? socket : null);
        }
        catch
        {
            invoker.Dispose();
            throw;
        }
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

    /// <summary>The head of a 101 answer to relay: <see cref="ToResponseHead"/> plus the service's <c>Upgrade</c> header (no <c>Connection</c>).</summary>
    internal static HttpResponseHead ToUpgradeResponseHead(HttpResponseMessage response)
    {
        var head = ToResponseHead(response);
        var headers = head.Headers.ToList();
        if (response.Headers.TryGetValues("Upgrade", out var upgrade))
        {
            headers.Add(new("Upgrade", string.Join(", ", upgrade)));
        }

        return head with { Reason = "Switching Protocols", Headers = headers };
    }

    /// <inheritdoc />
    public void Dispose() => _invoker.Dispose();

    private SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = _connectTimeout,
        // A response the daemon stops reading (its client went away, the edge reset the stream) closes the connection
        // at once, so the service sees it: the default drains it first (up to 1 MiB, for up to 2 s) to reuse the
        // connection, and an endless one (a camera, the service's own events) kept streaming into the void meanwhile.
        MaxResponseDrainSize = 0,
    };

    private HttpRequestMessage CreateRequest(HttpRequestHead head) =>
        // The target is appended to the service's base URL, never resolved against it: resolving would drop the base
        // path, and would send a network-path target ("//other-host/x") to another host on the device's network.
        new(new HttpMethod(head.Method), new Uri(_serviceBase + head.Target, UriKind.Absolute));

    /// <summary>The head's headers minus hop-by-hop ones, with the device-level token renamed to <c>Authorization</c>.</summary>
    private static IEnumerable<KeyValuePair<string, string>> EndToEndHeaders(HttpRequestHead head)
    {
        foreach (var (name, value) in head.Headers)
        {
            if (name.Equals(DeviceAuthorizationHeader, StringComparison.OrdinalIgnoreCase))
            {
                yield return new("Authorization", value);
            }
            else if (!NotForwarded.Contains(name))
            {
                yield return new(name, value);
            }
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using OrleansRelay.LoadTest.Measurement;

namespace OrleansRelay.LoadTest.Clients;

/// <summary>
/// The simulated HTTP clients: keep-alive connections to every edge's client API, with proxy, redirects,
/// decompression and cookies off. A call's outcome is its latency and cache result, or an error kind.
/// </summary>
internal sealed class RelayClient : IDisposable
{
    private const string AdminKeyHeader = "X-Admin-Key";
    private static readonly CacheControlHeaderValue NoCache = new() { NoCache = true };

    private readonly HttpMessageInvoker _http;
    private readonly IReadOnlyList<Uri> _edges;
    private readonly string _adminKey;

    /// <summary>Keep-alive connections per edge: bounded, so an overloaded relay queues requests in the client instead of exhausting file descriptors.</summary>
    public const int DefaultMaxConnectionsPerEdge = 256;

    public RelayClient(IReadOnlyList<Uri> edges, string adminKey, TimeSpan timeout, int maxConnectionsPerEdge = DefaultMaxConnectionsPerEdge)
    {
        _edges = edges;
        _adminKey = adminKey;
        _http = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxConnectionsPerServer = maxConnectionsPerEdge,
            PooledConnectionLifetime = System.Threading.Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            ResponseDrainTimeout = TimeSpan.FromSeconds(1),
        });
        Timeout = timeout;
    }

    public TimeSpan Timeout { get; }

    /// <summary>Sends the call; returns the cache outcome, or throws <see cref="RelayCallException"/> with an error kind.</summary>
    public async Task<CacheOutcome> SendAsync(RelayCall call, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(call.Method, new Uri(_edges[call.EdgeIndex], $"/v1/devices/{call.DeviceId}/api{call.Path}"));
        request.Headers.Add(AdminKeyHeader, _adminKey);
        if (call.NoCache)
        {
            request.Headers.CacheControl = NoCache;
        }

        if (call.Body is not null)
        {
            request.Content = new ByteArrayContent(call.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            await response.Content.LoadIntoBufferAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new RelayCallException($"http-{(int)response.StatusCode}");
            }

            return response.Headers.TryGetValues("X-Cache", out var values) ? values.FirstOrDefault() switch
            {
                "HIT" => CacheOutcome.Hit,
                "MISS" => CacheOutcome.Miss,
                "BYPASS" => CacheOutcome.Bypass,
                _ => CacheOutcome.None,
            } : CacheOutcome.None;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RelayCallException("client-timeout");
        }
        catch (HttpRequestException ex)
        {
            throw new RelayCallException(ex.InnerException is SocketException se ? $"socket-{se.SocketErrorCode}" : $"http-request-{ex.HttpRequestError}");
        }
    }

    /// <summary>GET <paramref name="path"/> on an edge (health checks); true on 2xx.</summary>
    public async Task<bool> ProbeAsync(int edgeIndex, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_edges[edgeIndex], path));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();
}

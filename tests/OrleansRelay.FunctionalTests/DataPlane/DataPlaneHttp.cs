using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>Client-side helpers of the data-plane tests: relay paths, bounded requests that never throw, WebSockets.</summary>
internal static class DataPlaneHttp
{
    public static string Api(string deviceId, string path) => $"/v1/devices/{deviceId}/api/{path}";

    public static HttpClient NewClient(Uri baseAddress, TimeSpan timeout, int maxConnections = int.MaxValue)
    {
        // A response disposed before its end closes the connection at once: the client going away is what the tests
        // mean by it. (By default the handler drains such a response for up to 2 s first, to reuse the connection,
        // so the relay and the device would only see the client leave 2 s later.)
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, MaxResponseDrainSize = 0 };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = timeout };
        client.DefaultRequestHeaders.Add("X-Admin-Key", TestEdge.AdminKey);
        return client;
    }

    /// <summary>A GET whose failure (connection error, client timeout) is an outcome, not an exception.</summary>
    public static async Task<RelayOutcome> GetAsync(HttpClient client, string deviceId, string path)
    {
        var sentAt = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.GetAsync(Api(deviceId, path), TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return new RelayOutcome(sentAt, Stopwatch.GetElapsedTime(sentAt), response.StatusCode, body, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return new RelayOutcome(sentAt, Stopwatch.GetElapsedTime(sentAt), null, null, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>Sends a request and waits at most <paramref name="timeout"/> for the response headers only.</summary>
    public static async Task<HttpResponseMessage> HeadersAsync(HttpClient client, string path, TimeSpan timeout, string what)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, limit.Token);
        }
        catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No response headers within {timeout.TotalSeconds:0} s for {what}: the relay did not pass the device's response on as it started.");
        }
    }

    public static Uri WebSocketUri(IPEndPoint edge, string deviceId, string path) => new($"ws://{edge}{Api(deviceId, path)}");

    /// <summary>Connects a <see cref="ClientWebSocket"/> (HTTP/1.1 upgrade) carrying the admin key; a refused upgrade fails the test with its status.</summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("X-Admin-Key", TestEdge.AdminKey);
        configure?.Invoke(socket.Options);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(15));
        try
        {
            await socket.ConnectAsync(uri, limit.Token);
            return socket;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            throw new InvalidOperationException($"The WebSocket upgrade to {uri} through the relay failed (HTTP {(int)status} {status}): {ex.Message}", ex);
        }
    }

    /// <summary>The next whole message (all its frames), or the close.</summary>
    public static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveAsync(WebSocket socket, TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(30));
        using var message = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, limit.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage || result.MessageType == WebSocketMessageType.Close)
            {
                return (result.MessageType, message.ToArray());
            }
        }
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// A device's local REST service written on a bare socket, so a test sees exactly the bytes the daemon sends: every
/// request head is recorded as it arrived, and a second request hidden in one relayed request would show up as a
/// second record. Answers each request with <c>200</c>, a body naming the service and target, and the response
/// headers the test configured (cookies, CORS and the like).
/// </summary>
internal sealed class RecordingDeviceService : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Task _accepting;

    private RecordingDeviceService(string name, IReadOnlyList<string> responseHeaders)
    {
        Name = name;
        ResponseHeaders = responseHeaders;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseUri = new Uri($"http://{_listener.LocalEndpoint}");
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public Uri BaseUri { get; }

    /// <summary>Header lines (<c>Name: value</c>) added to every response.</summary>
    public IReadOnlyList<string> ResponseHeaders { get; }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public static RecordingDeviceService Start(string name, params string[] responseHeaders) => new(name, responseHeaders);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var input = new SocketInput(client.GetStream(), _stop.Token);
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var head = await input.ReadUntilAsync("\r\n\r\n");
                if (head is null)
                {
                    return;
                }

                var request = new RecordedRequest(head, await ReadBodyAsync(input, head));
                _requests.Enqueue(request);
                await client.GetStream().WriteAsync(Response(request), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The daemon closed its pooled connection, or the service is stopping.
        }
    }

    private static async Task<byte[]> ReadBodyAsync(SocketInput input, string head)
    {
        var request = new RecordedRequest(head, []);
        if (request.Header("Transfer-Encoding").Any(v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            var body = new List<byte>();
            while (true)
            {
                var size = Convert.ToInt32((await input.ReadUntilAsync("\r\n") ?? throw new IOException("truncated chunk")).Split(';')[0], 16);
                var chunk = await input.ReadAsync(size + 2);
                if (size == 0)
                {
                    return [.. body];
                }

                body.AddRange(chunk.AsSpan(0, size));
            }
        }

        var length = request.Header("Content-Length").Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        return await input.ReadAsync(length);
    }

    private byte[] Response(RecordedRequest request)
    {
        var body = Encoding.UTF8.GetBytes($"{Name} {request.Target}");
        var text = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n");
        foreach (var header in ResponseHeaders)
        {
            text.Append(header).Append("\r\n");
        }

        text.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
        return [.. Encoding.UTF8.GetBytes(text.ToString()), .. body];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}

/// <summary>One request as the device's service received it: the head as raw text and the body.</summary>
internal sealed record RecordedRequest(string Head, byte[] Body)
{
    public string RequestLine => Head.Split("\r\n")[0];

    public string Target => RequestLine.Split(' ')[1];

    public IEnumerable<string> HeaderLines => Head.Split("\r\n").Skip(1);

    /// <summary>The values of the header <paramref name="name"/>, in order.</summary>
    public IEnumerable<string> Header(string name) =>
        HeaderLines.Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim());
}

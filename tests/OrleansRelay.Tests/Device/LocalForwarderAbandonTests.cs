using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansRelay.Device;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Device;

/// <summary>
/// A relayed response the daemon stops reading (the client went away, the edge reset the stream) closes the daemon's
/// connection to the local service at once: the service sees its client leave. By default an HTTP client first drains
/// such a response (up to 1 MiB, for up to 2 s) to reuse the connection, which kept a camera streaming into the void.
/// </summary>
public sealed class LocalForwarderAbandonTests
{
    [Fact]
    public async Task ResponseDisposedBeforeItsEnd_ClosesTheConnectionToTheService_InsteadOfDrainingIt()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = ServeOneStreamAsync(listener, abandoned.Task);

        using var forwarder = new LocalForwarder(new Uri($"http://127.0.0.1:{port}"), maxConnections: 4, TimeSpan.FromSeconds(5));
        var token = TestContext.Current.CancellationToken;
        using (var response = await forwarder.SendAsync(new HttpRequestHead("GET", "/camera", []), null, token))
        {
            await using var body = await response.Content.ReadAsStreamAsync(token);
            var first = new byte[5];
            await body.ReadExactlyAsync(first, token);
            Assert.Equal("frame", Encoding.ASCII.GetString(first));
        }

        // The service now ends its response: a draining client would read the end and keep the connection for reuse.
        abandoned.SetResult();
        var closedByTheDaemon = await service.WaitAsync(TimeSpan.FromSeconds(30), token);
        Assert.True(closedByTheDaemon, "the daemon kept its connection to the service after abandoning the response (drained for reuse)");
    }

    /// <summary>
    /// Answers one request with a chunked body: one chunk, then (once told) the final chunk; then reports whether the
    /// client closed the connection (true) or kept it open (false, seen as no EOF within 10 s: a pooled connection).
    /// </summary>
    private static async Task<bool> ServeOneStreamAsync(TcpListener listener, Task abandoned)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var head = new byte[4096];
        var read = 0;
        while (!Encoding.ASCII.GetString(head, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            read += await stream.ReadAsync(head.AsMemory(read));
        }

        await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nframe\r\n"u8.ToArray());
        await abandoned;
        try
        {
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await stream.ReadAsync(new byte[1], wait.Token) == 0;
        }
        catch (IOException)
        {
            return true; // reset by the daemon's side: closed too
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

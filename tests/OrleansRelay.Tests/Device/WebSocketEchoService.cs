using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.Tests.Device;

/// <summary>
/// A device's local service with WebSocket endpoints, on Kestrel (127.0.0.1, port 0): <c>/echo</c> sends every
/// message back (text or binary, any size) and answers a close with the client's code and description;
/// <c>/raw</c> upgrades to a bare byte echo; <c>/headers</c> answers (plain HTTP) with the Upgrade and Connection headers it received.
/// </summary>
internal sealed class WebSocketEchoService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _sessionsEnded = new(0);

    private WebSocketEchoService(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Waits until an echo session has ended (its connection closed or failed) on the service's side.</summary>
    public async Task WaitForSessionEndAsync()
    {
        if (!await _sessionsEnded.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken))
        {
            throw new TimeoutException("No WebSocket session ended on the local service within 20 s.");
        }
    }

    public static async Task<WebSocketEchoService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var service = new WebSocketEchoService(app);
        // No server pings: every frame on the tunnel is one the test sent or the echo of one.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.Zero });
        app.Map("/echo", service.EchoAsync);
        app.Map("/raw", service.RawEchoAsync);
        app.Map("/headers", (HttpContext context) =>
            $"upgrade={context.Request.Headers.Upgrade}; connection={context.Request.Headers.Connection}");
        await app.StartAsync(TestContext.Current.CancellationToken);
        service.BaseUri = new Uri(app.Urls.First());
        return service;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("websocket only");
            return;
        }

        try
        {
            await EchoMessagesAsync(context);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ConnectionResetException)
        {
            // The tunnel was cut (a reset, or a half-close without a close frame): the session just ends.
        }
        finally
        {
            _sessionsEnded.Release();
        }
    }

    /// <summary>A protocol of its own (<c>Upgrade: echo</c>): bytes back until the input ends, then the end of the output.</summary>
    private async Task RawEchoAsync(HttpContext context)
    {
        try
        {
            context.Response.Headers.Upgrade = "echo";
            var upgraded = await context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync();
            // The copy ends by itself when the input does (Kestrel treats the client's FIN as the end of the connection).
            await upgraded.CopyToAsync(upgraded, CancellationToken.None);
            await upgraded.DisposeAsync();
        }
        finally
        {
            _sessionsEnded.Release();
        }
    }

    private static async Task EchoMessagesAsync(HttpContext context)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var message = new MemoryStream();
            ValueWebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer.AsMemory(), context.RequestAborted);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, socket.CloseStatusDescription, context.RequestAborted);
                return;
            }

            await socket.SendAsync(message.GetBuffer().AsMemory(0, (int)message.Length), received.MessageType, endOfMessage: true, context.RequestAborted);
        }
    }
}

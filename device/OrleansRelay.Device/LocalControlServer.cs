using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansRelay.Wire.Handshake;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device;

/// <summary>
/// The daemon's local control endpoint on 127.0.0.1, for device software on the same board:
/// <c>POST /cache/invalidate</c> with <c>{"paths":["/zones/1"]}</c> tells the relay to drop its cached copies.
/// </summary>
public sealed partial class LocalControlServer : IAsyncDisposable
{
    private const int MaxBodyBytes = 64 * 1024;

    private readonly HttpListener _listener = new();
    private readonly DeviceDaemon _daemon;
    private readonly ILogger _logger;
    private readonly Task _loop;

    private LocalControlServer(int port, DeviceDaemon daemon, ILogger logger)
    {
        _daemon = daemon;
        _logger = logger;
        Port = port;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/>.</summary>
    public static LocalControlServer Start(int port, DeviceDaemon daemon, ILoggerFactory loggers) =>
        new(port, daemon, loggers.CreateLogger<LocalControlServer>());

    private async Task AcceptLoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = HandleAsync(context);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var (status, body) = await RouteAsync(context.Request);
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength64 = bytes.Length;
        try
        {
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (HttpListenerException ex)
        {
            Log.ResponseFailed(_logger, ex.Message);
        }
    }

    private async Task<(int Status, string Body)> RouteAsync(HttpListenerRequest request)
    {
        if (request.Url?.AbsolutePath != "/cache/invalidate")
        {
            return (404, Error(404, "Unknown path; POST /cache/invalidate is served here."));
        }

        if (request.HttpMethod != "POST")
        {
            return (405, Error(405, "Use POST."));
        }

        if (request.ContentLength64 > MaxBodyBytes)
        {
            return (413, Error(413, $"Body over {MaxBodyBytes} bytes."));
        }

        CacheInvalidateMessage? message;
        try
        {
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            message = text.Length > MaxBodyBytes ? null : JsonSerializer.Deserialize(text, WireJsonContext.Default.CacheInvalidateMessage);
        }
        catch (JsonException ex)
        {
            return (400, Error(400, $"Body must be {{\"paths\":[\"/path\", …]}}: {ex.Message}"));
        }

        if (message is null || message.Validate() is { } problem)
        {
            var reason = message is null ? "Body must be {\"paths\":[\"/path\", …]}." : message.Validate()!;
            Log.Refused(_logger, reason);
            return (400, Error(400, reason));
        }

        _daemon.InvalidateCache(message.Paths);
        return (202, $"{{\"queued\":{message.Paths.Length}}}");
    }

    private static string Error(int status, string message) => ErrorBody.Json(status, message);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private static partial class Log
    {
        [LoggerMessage(4200, LogLevel.Warning, "Control request refused: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);

        [LoggerMessage(4201, LogLevel.Debug, "Control response not delivered: {Detail}")]
        public static partial void ResponseFailed(ILogger logger, string detail);
    }
}

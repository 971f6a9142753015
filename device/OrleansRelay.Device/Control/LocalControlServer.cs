using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Control;
using OrleansRelay.Device.Hosting;

namespace OrleansRelay.Device;

/// <summary>
/// The daemon's local control endpoint, a Kestrel host bound to 127.0.0.1 only, for device software on the same
/// board: <c>POST /cache/invalidate</c> with <c>{"paths":["/zones/1"]}</c> tells the relay to drop its cached copies;
/// <c>POST /notifications</c> with one line of text sends a notification; <c>GET /healthz</c> answers 200 while the
/// daemon runs (the container image's health check).
/// </summary>
public sealed partial class LocalControlServer : IAsyncDisposable
{
    /// <summary>Largest control request body (413 beyond).</summary>
    public const int MaxBodyBytes = OrleansRelay.Wire.Messages.NotificationMessage.MaxTextBytes + 2;

    /// <summary>The liveness path.</summary>
    public const string HealthPath = "/healthz";

    private const int MaxConnections = 8;

    private readonly WebApplication _app;

    private LocalControlServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts listening on 127.0.0.1:<paramref name="port"/>.</summary>
    /// <exception cref="IOException">The port is taken or not permitted.</exception>
    public static async Task<LocalControlServer> StartAsync(int port, DeviceDaemon daemon, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger<LocalControlServer>();
        var invalidate = new CacheInvalidateEndpoint(daemon, logger);
        var notify = new NotifyEndpoint(daemon, logger);
        var app = LocalWebHost.Build(
            loggers,
            kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
                kestrel.Limits.MaxConcurrentConnections = MaxConnections;
                kestrel.Listen(IPAddress.Loopback, port);
            },
            context => context.Request.Path.Value switch
            {
                CacheInvalidateEndpoint.Path => invalidate.ServeAsync(context),
                NotifyEndpoint.Path => notify.ServeAsync(context),
                HealthPath => context.Response.WriteAsync("ok"),
                _ => JsonErrorResponse.WriteAsync(context.Response, 404, $"Unknown path; POST {CacheInvalidateEndpoint.Path} or {NotifyEndpoint.Path}."),
            });
        await app.StartAsync();
        Log.Listening(logger, port);
        return new LocalControlServer(app, port);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => LocalWebHost.StopAsync(_app);

    private static partial class Log
    {
        [LoggerMessage(4202, LogLevel.Information, "Control endpoint listening on 127.0.0.1:{Port} (POST /cache/invalidate, POST /notifications)")]
        public static partial void Listening(ILogger logger, int port);
    }
}

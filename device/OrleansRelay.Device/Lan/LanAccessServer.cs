using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using OrleansRelay.Wire;

namespace OrleansRelay.Device.Lan;

/// <summary>
/// The daemon's LAN listener: LAN clients get the device's API (HTTP/1.1, HTTPS when given a certificate) without the
/// cloud. Requests go to the same <see cref="IHttpRequestHandler"/> as relayed ones. A successful write
/// (POST, PUT, PATCH, DELETE) invalidates the cloud's cached copies of its path through
/// <see cref="DeviceDaemon.InvalidateCache"/>, queued while the cloud link is down.
/// </summary>
public sealed partial class LanAccessServer : IAsyncDisposable
{
    private readonly LanAccessOptions _options;
    private readonly DeviceDaemon _daemon;
    private readonly ILogger _logger;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _acceptLoop;
    private int _connections;

    private LanAccessServer(LanAccessOptions options, DeviceDaemon daemon, ILogger logger)
    {
        _options = options;
        _daemon = daemon;
        _logger = logger;
        _listener = new TcpListener(options.BindAddress, options.Port);
        _listener.Start();
        LocalEndPoint = (IPEndPoint)_listener.LocalEndpoint;
        Log.Listening(_logger, LocalEndPoint.ToString(), Scheme);
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary><c>https</c> when serving with a certificate, else <c>http</c>.</summary>
    public string Scheme => _options.Certificate is null ? "http" : "https";

    /// <summary>Starts listening.</summary>
    /// <exception cref="SocketException">The port is taken or not permitted.</exception>
    public static LanAccessServer Start(LanAccessOptions options, DeviceDaemon daemon, ILoggerFactory loggers) =>
        new(options, daemon, loggers.CreateLogger<LanAccessServer>());

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            _ = ServeConnectionAsync(socket);
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        var remote = socket.RemoteEndPoint?.ToString();
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (Interlocked.Increment(ref _connections) > _options.MaxConnections)
            {
                Log.TooManyConnections(_logger, remote, _options.MaxConnections);
                await LanResponseWriter.WriteErrorAsync(stream, 503, "Too many LAN connections; try again.", _stopping.Token);
                return;
            }

            if (_options.Certificate is { } certificate)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                handshake.CancelAfter(_options.IdleTimeout);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, handshake.Token);
            }

            await ServeRequestsAsync(stream, remote);
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.ConnectionEnded(_logger, remote, ex.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
            await stream.DisposeAsync();
        }
    }

    private async Task ServeRequestsAsync(Stream stream, string? remote)
    {
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var reader = new LanRequestReader(input, stream, _options);
        while (!_stopping.IsCancellationRequested)
        {
            LanRequest? request;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
            {
                idle.CancelAfter(_options.IdleTimeout);
                try
                {
                    request = await reader.ReadAsync(idle.Token);
                }
                catch (LanHttpException ex)
                {
                    Log.BadRequest(_logger, remote, ex.Status, ex.Message);
                    await LanResponseWriter.WriteErrorAsync(stream, ex.Status, ex.Message, _stopping.Token);
                    return;
                }
            }

            if (request is null || !await ServeAsync(stream, request, remote) || !request.KeepAlive)
            {
                return;
            }
        }
    }

    /// <summary>Serves one request; false when the connection must close.</summary>
    private async Task<bool> ServeAsync(Stream stream, LanRequest request, string? remote)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        try
        {
            response = await _daemon.Handler.SendAsync(request.Head, request.Body is null ? null : new MemoryStream(request.Body, writable: false), timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            Log.LocalFailed(_logger, request.Head.Method, request.Head.Target, ex.Message);
            await LanResponseWriter.WriteErrorAsync(stream, 502, $"The device's service failed: {ex.Message}", _stopping.Token);
            return false;
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            Log.LocalTimeout(_logger, request.Head.Method, request.Head.Target, _options.RequestTimeout);
            await LanResponseWriter.WriteErrorAsync(stream, 504, $"The device's service did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s.", _stopping.Token);
            return false;
        }

        using (response)
        {
            Log.Served(_logger, remote, request.Head.Method, request.Head.Target, (int)response.StatusCode);
            if (request.IsWrite && (int)response.StatusCode < 400)
            {
                InvalidateCloudCopies(request.Path);
            }

            try
            {
                await LanResponseWriter.WriteAsync(stream, response, request.IsHead, request.KeepAlive, timeout.Token);
            }
            catch (ProtocolException ex)
            {
                Log.LocalFailed(_logger, request.Head.Method, request.Head.Target, ex.Message);
                await LanResponseWriter.WriteErrorAsync(stream, 502, "The device's service answered with a head that cannot be relayed.", _stopping.Token);
                return false;
            }
        }

        return true;
    }

    private void InvalidateCloudCopies(string path)
    {
        try
        {
            _daemon.InvalidateCache([path]);
            Log.Invalidated(_logger, path, _daemon.PendingInvalidations);
        }
        catch (ArgumentException ex)
        {
            Log.NotInvalidated(_logger, path, ex.Message);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _acceptLoop;
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(4300, LogLevel.Information, "LAN access listening on {EndPoint} ({Scheme})")]
        public static partial void Listening(ILogger logger, string endPoint, string scheme);

        [LoggerMessage(4301, LogLevel.Debug, "LAN {Remote}: {Method} {Target} -> {Status}")]
        public static partial void Served(ILogger logger, string? remote, string method, string target, int status);

        [LoggerMessage(4302, LogLevel.Warning, "LAN {Remote}: bad request answered {Status}: {Detail}")]
        public static partial void BadRequest(ILogger logger, string? remote, int status, string detail);

        [LoggerMessage(4303, LogLevel.Warning, "LAN request {Method} {Target}: local service failed: {Detail}; answered 502")]
        public static partial void LocalFailed(ILogger logger, string method, string target, string detail);

        [LoggerMessage(4304, LogLevel.Warning, "LAN request {Method} {Target}: local service timed out after {Timeout}; answered 504")]
        public static partial void LocalTimeout(ILogger logger, string method, string target, TimeSpan timeout);

        [LoggerMessage(4305, LogLevel.Information, "LAN write to {Path}: cloud cache invalidation queued ({Pending} pending)")]
        public static partial void Invalidated(ILogger logger, string path, int pending);

        [LoggerMessage(4306, LogLevel.Warning, "LAN write to {Path}: cannot invalidate the cloud cache: {Detail}")]
        public static partial void NotInvalidated(ILogger logger, string path, string detail);

        [LoggerMessage(4307, LogLevel.Warning, "LAN connection from {Remote} refused: already {Limit} connections")]
        public static partial void TooManyConnections(ILogger logger, string? remote, int limit);

        [LoggerMessage(4308, LogLevel.Debug, "LAN connection from {Remote} ended: {Detail}")]
        public static partial void ConnectionEnded(ILogger logger, string? remote, string detail);
    }
}

using System.Globalization;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Edge.Http;
using OrleansRelay.Edge.Relaying;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// Serves one HTTP request on a device session this edge holds, whether the client called this edge or a peer edge
/// forwarded it: through the session's cache into the device's stream, the request body streaming to the device and
/// the response streaming back as the device sends it, with backpressure both ways. Upgrade requests (WebSocket)
/// become a tunnel.
/// </summary>
internal sealed partial class LocalRelay
{
    private readonly EdgeOptions _options;
    private readonly ILogger<LocalRelay> _logger;

    public LocalRelay(IOptions<EdgeOptions> options, ILogger<LocalRelay> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Whether <paramref name="context"/> asks to switch protocols (an HTTP/1.1 upgrade, e.g. WebSocket).</summary>
    public static bool IsUpgrade(HttpContext context) =>
        context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } && context.Request.Headers.Upgrade.Count > 0;

    /// <summary>Relays the request to <paramref name="connection"/>'s device and writes its answer. Returns the status sent.</summary>
    public async Task<int> ServeAsync(HttpContext context, DeviceConnection connection, string target, KeyValuePair<string, string>[] headers)
    {
        var upgrade = IsUpgrade(context);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Our own limit applies, as the body streams; Kestrel's default (30 MB) must not cut in with a bare 413.
            sizeFeature.MaxRequestBodySize = null;
        }

        if (context.Request.ContentLength > _options.MaxBodyBytes)
        {
            Log.RequestTooLarge(_logger, connection.DeviceId, _options.MaxBodyBytes);
            return await RelayResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body exceeds the limit of {_options.MaxBodyBytes} bytes.");
        }

        var hasBody = !upgrade && context.Request.ContentLength != 0 && context.Features.Get<IHttpRequestBodyDetectionFeature>() is not { CanHaveBody: false };
        var request = new RelayRequest(context.Request.Method, target, headers, [], _options.DeviceRequestTimeout)
        {
            BodyStream = hasBody ? context.Request.Body : null,
            BodyStreamLength = hasBody ? context.Request.ContentLength : null,
        };

        RelayResponse response;
        try
        {
            response = upgrade
                ? await connection.ExchangeAsync(request, 0, upgrade: true, context.RequestAborted)
                : await connection.Relay.SendAsync(request, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientAborted(_logger, connection.DeviceId);
            return StatusCodes.Status499ClientClosedRequest;
        }

        if (response.Error != RelayError.None)
        {
            var status = RelayErrors.StatusFor(response.Error);
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = _options.OfflineRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            }

            Log.RelayFailed(_logger, connection.DeviceId, response.Error, response.ErrorMessage);
            return await RelayResponses.WriteErrorAsync(context, status, response.ErrorMessage ?? response.Error.ToString());
        }

        if (upgrade && response.Upgraded && response.Status == StatusCodes.Status101SwitchingProtocols && response.BodyStream is DeviceResponseBody tunnel)
        {
            await TunnelAsync(context, connection, response, tunnel);
            return StatusCodes.Status101SwitchingProtocols;
        }

        await WriteResponseAsync(context, connection.DeviceId, response);
        return response.Status;
    }

    private async Task WriteResponseAsync(HttpContext context, string deviceId, RelayResponse response)
    {
        var http = context.Response;
        http.StatusCode = response.Status;
        if (!string.IsNullOrEmpty(response.Reason))
        {
            context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = response.Reason;
        }

        long? declaredLength = null;
        foreach (var (name, value) in response.Headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                declaredLength = length;
            }
            else if (DeviceResponseHeaders.IsRelayed(name, value, _options))
            {
                http.Headers.Append(name, value);
            }
        }

        DeviceResponseHeaders.AddSandbox(http.Headers, _options);
        var bodyAllowed = !HttpMethods.IsHead(context.Request.Method) && response.Status is not (204 or 304) && response.Status >= 200;
        if (!bodyAllowed)
        {
            response.BodyStream?.Dispose();
            if (HttpMethods.IsHead(context.Request.Method) && declaredLength is { } headLength)
            {
                // Keep the device's Content-Length for HEAD: it describes the GET body.
                http.ContentLength = headLength;
            }

            return;
        }

        if (response.BodyStream is not { } body)
        {
            http.ContentLength = response.Body.Length;
            await http.Body.WriteAsync(response.Body, context.RequestAborted);
            return;
        }

        await using (body)
        {
            http.ContentLength = declaredLength;
            try
            {
                // The head goes with the first chunk when that is already here, at once otherwise: a stream's client
                // sees the response start, and every chunk, as soon as the device sends it.
                await ResponseBodyCopy.CopyAsync(body, http, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Log.ClientAborted(_logger, deviceId);
            }
            catch (Exception ex) when (ex is IOException or BodyTooLargeException or InvalidOperationException)
            {
                // The device went away, reset its stream, or broke its own Content-Length mid-body: the client must
                // not take the truncated body for a complete one, so its response is aborted rather than ended.
                Log.ResponseBroken(_logger, deviceId, ex.GetType().Name, ex.Message);
                context.Abort();
            }
        }
    }

    private async Task TunnelAsync(HttpContext context, DeviceConnection connection, RelayResponse response, DeviceResponseBody fromDevice)
    {
        await using (fromDevice)
        {
            foreach (var (name, value) in response.Headers)
            {
                if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) || DeviceResponseHeaders.IsRelayed(name, value, _options))
                {
                    context.Response.Headers.Append(name, value);
                }
            }

            var upgradeFeature = context.Features.Get<IHttpUpgradeFeature>()!;
            await using var client = await upgradeFeature.UpgradeAsync();
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var up = PumpUpAsync(connection, fromDevice.StreamId, client, ended.Token);
            var down = PumpDownAsync(fromDevice, client, ended.Token);
            var first = await Task.WhenAny(up, down);
            if (first == down || first.IsFaulted)
            {
                // The device's side closed (or either side failed): the tunnel is over for the client too.
                await ended.CancelAsync();
            }

            await Task.WhenAll(up, down);
            Log.TunnelClosed(_logger, connection.DeviceId, fromDevice.StreamId);
        }
    }

    private static async Task PumpUpAsync(DeviceConnection connection, uint streamId, Stream client, CancellationToken cancellationToken)
    {
        try
        {
            await connection.SendTunnelAsync(streamId, client, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionClosedException or ObjectDisposedException)
        {
            // The tunnel ended from the other side, or the client's connection broke.
        }
    }

    private static async Task PumpDownAsync(Stream fromDevice, Stream client, CancellationToken cancellationToken)
    {
        try
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await fromDevice.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await client.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await client.FlushAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The tunnel ended from the other side, or the device reset it.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3100, LogLevel.Information, "Relay to {DeviceId} refused: body over {Limit} bytes")]
        public static partial void RequestTooLarge(ILogger logger, string deviceId, long limit);

        [LoggerMessage(3101, LogLevel.Information, "Relay to {DeviceId} failed: {Error}: {Detail}")]
        public static partial void RelayFailed(ILogger logger, string deviceId, RelayError error, string? detail);

        [LoggerMessage(3102, LogLevel.Debug, "Client aborted its relay to {DeviceId}")]
        public static partial void ClientAborted(ILogger logger, string deviceId);

        [LoggerMessage(3105, LogLevel.Warning, "Relay to {DeviceId}: the response broke off mid-body ({Exception}: {Detail}); client response aborted")]
        public static partial void ResponseBroken(ILogger logger, string deviceId, string exception, string detail);

        [LoggerMessage(3106, LogLevel.Debug, "Relay to {DeviceId}: tunnel on stream {StreamId} closed")]
        public static partial void TunnelClosed(ILogger logger, string deviceId, uint streamId);
    }
}

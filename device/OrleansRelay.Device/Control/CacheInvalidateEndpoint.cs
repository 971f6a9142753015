using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Hosting;
using OrleansRelay.Wire.Handshake;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device.Control;

/// <summary>
/// <c>POST /cache/invalidate</c> with <c>{"paths":["/zones/1"]}</c>: queues the paths through
/// <see cref="DeviceDaemon.InvalidateCache"/> and answers 202 <c>{"queued":N}</c>; errors are JSON bodies.
/// </summary>
internal sealed partial class CacheInvalidateEndpoint(DeviceDaemon daemon, ILogger logger)
{
    public const string Path = "/cache/invalidate";

    private const string Shape = "{\"paths\":[\"/path\", …]}";

    public async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            await JsonErrorResponse.WriteAsync(context.Response, 405, "Use POST.");
            return;
        }

        CacheInvalidateMessage? message;
        try
        {
            message = await JsonSerializer.DeserializeAsync(request.Body, WireJsonContext.Default.CacheInvalidateMessage, context.RequestAborted);
        }
        catch (BadHttpRequestException ex)
        {
            Log.Refused(logger, ex.Message);
            await JsonErrorResponse.WriteAsync(context.Response, ex.StatusCode, ex.StatusCode == 413 ? $"Body over {LocalControlServer.MaxBodyBytes} bytes." : ex.Message);
            return;
        }
        catch (JsonException ex)
        {
            await JsonErrorResponse.WriteAsync(context.Response, 400, $"Body must be {Shape}: {ex.Message}");
            return;
        }

        var problem = message is null ? $"Body must be {Shape}." : message.Validate();
        if (message is null || problem is not null)
        {
            Log.Refused(logger, problem!);
            await JsonErrorResponse.WriteAsync(context.Response, 400, problem!);
            return;
        }

        daemon.InvalidateCache(message.Paths);
        context.Response.StatusCode = 202;
        await context.Response.WriteAsJsonAsync(new ControlAccepted(message.Paths.Length), DeviceJsonContext.Default.ControlAccepted, cancellationToken: context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(4200, LogLevel.Warning, "Control request refused: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);
    }
}

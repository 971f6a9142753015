using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Hosting;
using OrleansRelay.Device.Notifications;

namespace OrleansRelay.Device.Control;

/// <summary>
/// <c>POST /notifications</c> with the notification as the body (UTF-8 text, one line, at most 64 KiB; a trailing
/// newline is ignored): for device software that cannot write the named pipe. 202 <c>{"queued":1}</c> once the daemon
/// has accepted it (in its outbox, fsync'd when the outbox is on disk; it is sent, and resent until acknowledged); 400
/// for a body that is not one line of UTF-8; 503 (with <c>Retry-After</c>) when the outbox is full; 507 when writing
/// the outbox failed.
/// </summary>
internal sealed partial class NotifyEndpoint(DeviceDaemon daemon, ILogger logger)
{
    public const string Path = "/notifications";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task ServeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            await JsonErrorResponse.WriteAsync(context.Response, 405, "Use POST.");
            return;
        }

        string text;
        try
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            text = StrictUtf8.GetString(body.GetBuffer(), 0, (int)body.Length).TrimEnd('\n').TrimEnd('\r');
        }
        catch (BadHttpRequestException ex)
        {
            Log.Refused(logger, ex.Message);
            await JsonErrorResponse.WriteAsync(context.Response, ex.StatusCode, ex.StatusCode == 413 ? $"Body over {LocalControlServer.MaxBodyBytes} bytes." : ex.Message);
            return;
        }
        catch (DecoderFallbackException)
        {
            Log.Refused(logger, "body is not UTF-8");
            await JsonErrorResponse.WriteAsync(context.Response, 400, "The notification must be UTF-8 text.");
            return;
        }

        if (text.Length == 0)
        {
            await JsonErrorResponse.WriteAsync(context.Response, 400, "The notification is empty.");
            return;
        }

        try
        {
            await daemon.NotifyAsync(text);
        }
        catch (NotificationRefusedException ex)
        {
            // The daemon logs the refusal. A full outbox is temporary (503), a failed disk write is 507, the rest is the caller's (400).
            var status = ex.Reason switch
            {
                NotificationRefusal.OutboxFull => 503,
                NotificationRefusal.StorageFailed => 507,
                _ => 400,
            };
            await JsonErrorResponse.WriteAsync(context.Response, status, ex.Message, retryAfterSeconds: status == 503 ? 1 : null);
            return;
        }

        context.Response.StatusCode = 202;
        await context.Response.WriteAsJsonAsync(new ControlAccepted(1), DeviceJsonContext.Default.ControlAccepted, cancellationToken: context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(4203, LogLevel.Warning, "Notification over the control endpoint refused: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Hosting;
using OrleansRelay.Wire;

namespace OrleansRelay.Device.Lan;

/// <summary>
/// Serves one LAN request (Kestrel's catch-all <see cref="RequestDelegate"/>): buffers the body (413 beyond the
/// limit), asks the daemon's <see cref="IHttpRequestHandler"/>, streams the answer back; a successful write
/// invalidates the cloud's cached copies of its path. The daemon's own errors are JSON bodies.
/// </summary>
internal sealed class LanRequestForwarder(LanAccessOptions options, DeviceDaemon daemon, ILogger logger)
{
    public async Task ServeAsync(HttpContext context)
    {
        var head = LanRequestHead.From(context);
        var remote = context.Connection.RemoteIpAddress is { } ip ? $"{ip}:{context.Connection.RemotePort}" : null;
        MemoryStream? body;
        try
        {
            body = await ReadBodyAsync(context);
        }
        catch (BadHttpRequestException ex)
        {
            var detail = ex.StatusCode == 413 ? $"Body over {options.MaxBodyBytes} bytes." : ex.Message;
            LanLog.BadRequest(logger, remote, ex.StatusCode, detail);
            await JsonErrorResponse.WriteAsync(context.Response, ex.StatusCode, detail);
            return;
        }

        using (body)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            timeout.CancelAfter(options.RequestTimeout);
            HttpResponseMessage response;
            try
            {
                response = await daemon.Handler.SendAsync(head, body, timeout.Token);
            }
            catch (HttpRequestException ex)
            {
                LanLog.LocalFailed(logger, head.Method, head.Target, ex.Message);
                await JsonErrorResponse.WriteAsync(context.Response, 502, $"The device's service failed: {ex.Message}");
                return;
            }
            catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
            {
                LanLog.LocalTimeout(logger, head.Method, head.Target, options.RequestTimeout);
                await JsonErrorResponse.WriteAsync(context.Response, 504, $"The device's service did not answer within {options.RequestTimeout.TotalSeconds:0.#} s.");
                return;
            }

            using (response)
            {
                await RelayAsync(context, head, response, remote, timeout.Token);
            }
        }
    }

    private async Task RelayAsync(HttpContext context, HttpRequestHead head, HttpResponseMessage response, string? remote, CancellationToken cancellationToken)
    {
        try
        {
            await LanResponseWriter.WriteHeadAsync(context, response);
        }
        catch (InvalidOperationException ex) when (!context.Response.HasStarted)
        {
            LanLog.LocalFailed(logger, head.Method, head.Target, ex.Message);
            await JsonErrorResponse.WriteAsync(context.Response, 502, "The device's service answered with a head that cannot be relayed.");
            return;
        }

        var status = (int)response.StatusCode;
        LanLog.Served(logger, remote, head.Method, head.Target, status);
        if (LanRequestHead.IsWrite(head.Method) && status < 400)
        {
            InvalidateCloudCopies(LanRequestHead.PathOf(head));
        }

        try
        {
            await LanResponseWriter.WriteBodyAsync(context, response, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException)
        {
            // The head is out: all that is left is to cut the response short, as the relay does.
            LanLog.ResponseCutShort(logger, remote, head.Method, head.Target, ex.Message);
            context.Abort();
        }
    }

    /// <summary>The request body, buffered (Kestrel enforces the size limit and answers 100-continue); null when none.</summary>
    private static async Task<MemoryStream?> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength is 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return null;
        }

        var body = new MemoryStream(request.ContentLength is { } length ? (int)Math.Min(length, 64 * 1024) : 0);
        await request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;
        return body;
    }

    private void InvalidateCloudCopies(string path)
    {
        try
        {
            daemon.InvalidateCache([path]);
            LanLog.Invalidated(logger, path, daemon.PendingInvalidations);
        }
        catch (ArgumentException ex)
        {
            LanLog.NotInvalidated(logger, path, ex.Message);
        }
    }
}

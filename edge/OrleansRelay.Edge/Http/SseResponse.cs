using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Diagnostics;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// A Server-Sent Events response: the headers proxies respect (no buffering, no transformation), flushed writes. A
/// client that stops reading is disconnected once one write waits longer than <see cref="EdgeOptions.EventWriteTimeout"/>,
/// so it cannot hold its queue of events (and the memory behind it) indefinitely.
/// </summary>
internal sealed partial class SseResponse
{
    /// <summary>A comment line is sent when nothing else was for this long, so idle connections stay open.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly HttpContext _context;
    private readonly HttpResponse _response;
    private readonly CancellationToken _aborted;
    private readonly TimeSpan _writeTimeout;

    public SseResponse(HttpContext context)
    {
        _context = context;
        _response = context.Response;
        _aborted = context.RequestAborted;
        _writeTimeout = context.RequestServices.GetRequiredService<IOptions<EdgeOptions>>().Value.EventWriteTimeout;
        _response.ContentType = "text/event-stream";
        _response.Headers.CacheControl = "no-cache, no-transform";
        _response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    public async Task WriteAsync(string text)
    {
        using var stall = new CancellationTokenSource(_writeTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_aborted, stall.Token);
        try
        {
            await _response.WriteAsync(text, linked.Token);
            await _response.Body.FlushAsync(linked.Token);
        }
        catch (Exception e) when (stall.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            throw Stalled();
        }

        if (stall.IsCancellationRequested)
        {
            // Kestrel answers a flush cancelled by its token by aborting the connection, and may then return normally.
            throw Stalled();
        }
    }

    /// <summary>The client stopped reading: drop it (it resumes with Last-Event-ID when it comes back).</summary>
    private IOException Stalled()
    {
        _context.RequestServices.GetRequiredService<EdgeMetrics>().LimitRejected(Limits.EventSubscriberStalled);
        Log.Stalled(_context.RequestServices.GetRequiredService<ILogger<SseResponse>>(), _context.Request.Path, _context.Connection.RemoteIpAddress?.ToString(), _writeTimeout);
        _context.Abort();
        return new IOException($"The event stream's client read nothing for {_writeTimeout.TotalSeconds:0.#} s.");
    }

    /// <summary>Waits for <paramref name="more"/>, writing a heartbeat comment each interval; false when it completed.</summary>
    public async Task<bool> WaitAsync(Func<CancellationToken, ValueTask<bool>> more)
    {
        while (true)
        {
            using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(_aborted);
            heartbeat.CancelAfter(HeartbeatInterval);
            try
            {
                return await more(heartbeat.Token);
            }
            catch (OperationCanceledException) when (!_aborted.IsCancellationRequested)
            {
                await WriteAsync(": heartbeat\n\n");
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3300, LogLevel.Warning, "Event stream {Path} to {RemoteAddress} dropped: a write waited longer than {Timeout}")]
        public static partial void Stalled(ILogger logger, string path, string? remoteAddress, TimeSpan timeout);
    }
}

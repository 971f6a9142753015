using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansRelay.Edge.Http;

/// <summary>A Server-Sent Events response: the headers proxies respect (no buffering, no transformation), flushed writes.</summary>
internal sealed class SseResponse
{
    /// <summary>A comment line is sent when nothing else was for this long, so idle connections stay open.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly HttpResponse _response;
    private readonly CancellationToken _aborted;

    public SseResponse(HttpContext context)
    {
        _response = context.Response;
        _aborted = context.RequestAborted;
        _response.ContentType = "text/event-stream";
        _response.Headers.CacheControl = "no-cache, no-transform";
        _response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    public async Task WriteAsync(string text)
    {
        await _response.WriteAsync(text, _aborted);
        await _response.Body.FlushAsync(_aborted);
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
}

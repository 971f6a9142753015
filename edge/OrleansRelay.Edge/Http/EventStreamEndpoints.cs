using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Events;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// <c>GET /v1/devices/{deviceId}/events</c>: the device's notifications and presence changes as Server-Sent Events.
/// Every event carries its per-device id; a client that reconnects with <c>Last-Event-ID</c> (or <c>?lastEventId=</c>)
/// gets exactly what it missed from the device's log, then live events, with no duplicates. Asking for events older
/// than the replay window yields an explicit <c>gap</c> event first. Comment lines keep idle connections alive.
/// </summary>
internal static partial class EventStreamEndpoints
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);
    private const int ReplayPage = 1000;

    public static void MapEventStreams(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1/devices/{deviceId}/events", StreamAsync).RequireDeviceAccess();

    private static async Task StreamAsync(HttpContext context, string deviceId, IGrainFactory grains, DeviceEventHub hub, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(EventStreamEndpoints));
        var grain = grains.GetGrain<IDeviceGrain>(deviceId);
        if (!DeviceIds.IsValid(deviceId) || !(await grain.GetStatus()).Registered)
        {
            await RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.").ExecuteAsync(context);
            return;
        }

        var resumeFrom = context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : context.Request.Query["lastEventId"].ToString();
        long? lastEventId = null;
        if (resumeFrom.Length > 0)
        {
            if (!long.TryParse(resumeFrom, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                await RelayErrors.Json(StatusCodes.Status400BadRequest, "Last-Event-ID must be an event id (a non-negative integer).").ExecuteAsync(context);
                return;
            }

            lastEventId = parsed;
        }

        // Subscribe first, then replay: a live event that arrives meanwhile is buffered and dropped if replayed.
        using var subscription = await hub.SubscribeAsync(deviceId);
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var aborted = context.RequestAborted;
        Log.Opened(logger, deviceId, lastEventId);
        try
        {
            var sent = await ReplayAsync(response, grain, lastEventId, aborted);
            await WriteAsync(response, ": connected\n\n", aborted);
            while (true)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                heartbeat.CancelAfter(HeartbeatInterval);
                bool more;
                try
                {
                    more = await subscription.Events.WaitToReadAsync(heartbeat.Token);
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await WriteAsync(response, ": heartbeat\n\n", aborted);
                    continue;
                }

                if (!more)
                {
                    // Fell too far behind: end the stream; the client resumes with Last-Event-ID from the log.
                    Log.Overflowed(logger, deviceId, DeviceEventSubscription.Capacity);
                    return;
                }

                var batch = new StringBuilder();
                while (subscription.Events.TryRead(out var deviceEvent))
                {
                    if (deviceEvent.Id > sent)
                    {
                        Append(batch, deviceEvent);
                        sent = deviceEvent.Id;
                    }
                }

                if (batch.Length > 0)
                {
                    await WriteAsync(response, batch.ToString(), aborted);
                }
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The client went away mid-write.
        }
    }

    /// <summary>Writes the events after <paramref name="lastEventId"/> from the log; returns the last id written (or the log's position).</summary>
    private static async Task<long> ReplayAsync(HttpResponse response, IDeviceGrain grain, long? lastEventId, CancellationToken aborted)
    {
        if (lastEventId is not { } after)
        {
            return (await grain.GetEvents(-1, 1)).LastId;
        }

        while (true)
        {
            var page = await grain.GetEvents(after, ReplayPage);
            var batch = new StringBuilder();
            if (page.Gap)
            {
                batch.Append(CultureInfo.InvariantCulture, $"event: gap\ndata: {{\"requestedAfter\":{after},\"oldestAvailable\":{page.OldestId}}}\n\n");
            }

            foreach (var deviceEvent in page.Events)
            {
                Append(batch, deviceEvent);
                after = deviceEvent.Id;
            }

            if (batch.Length > 0)
            {
                await WriteAsync(response, batch.ToString(), aborted);
            }

            if (page.Events.Length < ReplayPage)
            {
                return after;
            }
        }
    }

    private static void Append(StringBuilder batch, DeviceEvent deviceEvent) =>
        batch.Append(CultureInfo.InvariantCulture, $"id: {deviceEvent.Id}\nevent: {deviceEvent.Kind}\ndata: {deviceEvent.Data}\n\n");

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken aborted)
    {
        await response.WriteAsync(text, aborted);
        await response.Body.FlushAsync(aborted);
    }

    private static partial class Log
    {
        [LoggerMessage(3100, LogLevel.Debug, "Event stream of device {DeviceId} opened (resuming after {LastEventId})")]
        public static partial void Opened(ILogger logger, string deviceId, long? lastEventId);

        [LoggerMessage(3101, LogLevel.Warning, "Event stream of device {DeviceId} ended: the client fell {Capacity} events behind; it resumes with Last-Event-ID")]
        public static partial void Overflowed(ILogger logger, string deviceId, int capacity);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Events;
using OrleansRelay.Wire;

using OrleansRelay.Edge.Diagnostics;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// <c>GET /v1/devices/{deviceId}/events</c>: the device's notifications and presence changes as Server-Sent Events.
/// Every event carries its per-device id; a client that reconnects with <c>Last-Event-ID</c> (or <c>?lastEventId=</c>)
/// gets exactly what it missed from the device's log, then live events, with no duplicates. Asking for events older
/// than the replay window yields an explicit <c>gap</c> event first. Comment lines keep idle connections alive.
/// </summary>
internal static partial class EventStreamEndpoints
{
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
        var response = new SseResponse(context);
        var aborted = context.RequestAborted;
        Log.Opened(logger, deviceId, lastEventId);
        try
        {
            var sent = await ReplayAsync(response, grain, deviceId, lastEventId, Append);
            // The position as the stream's first id: a client that saw no event yet still resumes from here after a
            // reconnect (EventSource keeps the id of a block without data), instead of missing what came meanwhile.
            await response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"id: {sent}\n: connected\n\n"));
            while (true)
            {
                if (!await response.WaitAsync(subscription.Events.WaitToReadAsync))
                {
                    // Fell too far behind: end the stream; the client resumes with Last-Event-ID from the log.
                    Log.Overflowed(logger, deviceId, DeviceEventSubscription.Capacity);
                    context.RequestServices.GetRequiredService<EdgeMetrics>().LimitRejected(Limits.EventSubscriberOverflow);
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
                    await response.WriteAsync(batch.ToString());
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

    /// <summary>
    /// Writes the device's events after <paramref name="lastEventId"/> from its log (a <c>gap</c> event first when
    /// that is older than the window); returns the last id written, or the log's position when there was none.
    /// </summary>
    internal static async Task<long> ReplayAsync(SseResponse response, IDeviceGrain grain, string deviceId, long? lastEventId, Action<StringBuilder, DeviceEvent> append)
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
                batch.Append(CultureInfo.InvariantCulture, $"event: gap\ndata: {{\"deviceId\":{JsonSerializer.Serialize(deviceId, EventJsonContext.Default.String)},\"requestedAfter\":{after},\"oldestAvailable\":{page.OldestId}}}\n\n");
            }

            foreach (var deviceEvent in page.Events)
            {
                append(batch, deviceEvent);
                after = deviceEvent.Id;
            }

            if (batch.Length > 0)
            {
                await response.WriteAsync(batch.ToString());
            }

            if (page.Events.Length < ReplayPage)
            {
                return after;
            }
        }
    }

    private static void Append(StringBuilder batch, DeviceEvent deviceEvent) =>
        batch.Append(CultureInfo.InvariantCulture, $"id: {deviceEvent.Id}\nevent: {deviceEvent.Kind}\ndata: {deviceEvent.Data}\n\n");

    private static partial class Log
    {
        [LoggerMessage(3100, LogLevel.Debug, "Event stream of device {DeviceId} opened (resuming after {LastEventId})")]
        public static partial void Opened(ILogger logger, string deviceId, long? lastEventId);

        [LoggerMessage(3101, LogLevel.Warning, "Event stream of device {DeviceId} ended: the client fell {Capacity} events behind; it resumes with Last-Event-ID")]
        public static partial void Overflowed(ILogger logger, string deviceId, int capacity);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Events;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// <c>GET /v1/events</c>: the notifications and presence changes of all the signed-in user's devices as one
/// Server-Sent Events stream. Each event's data is <c>{"deviceId":…,"id":…,"data":…}</c>, and its SSE id is the
/// position in every device's log (<c>pump-1=42,valve-2=7</c>), so a client resuming with <c>Last-Event-ID</c> misses
/// nothing on any device and sees nothing twice. The devices are those bound to the user when the stream opens.
/// </summary>
internal static class AllEventsEndpoints
{
    public static void MapAllEvents(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/v1/events", StreamAsync).RequireAuthorization(RelayClaims.UserOrOperatorPolicy);

    private static async Task StreamAsync(HttpContext context, DeviceLister lister, IGrainFactory grains, DeviceEventHub hub)
    {
        if (DeviceAccess.Email(context.User) is null)
        {
            await RelayErrors.Json(StatusCodes.Status400BadRequest, "Operators have no devices of their own: use /v1/devices/{deviceId}/events.").ExecuteAsync(context);
            return;
        }

        var resumeFrom = context.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : context.Request.Query["lastEventId"].ToString();
        if (!TryParsePositions(resumeFrom, out var positions))
        {
            await RelayErrors.Json(StatusCodes.Status400BadRequest, "Last-Event-ID must be the id of an event of this stream (deviceId=id,…).").ExecuteAsync(context);
            return;
        }

        var devices = (await lister.ListAsync(context.User)).Select(d => d.Id).ToArray();
        var subscriptions = new List<DeviceEventSubscription>();
        var merged = Channel.CreateUnbounded<(string DeviceId, DeviceEvent Event)>(new UnboundedChannelOptions { SingleReader = true });
        try
        {
            foreach (var deviceId in devices)
            {
                subscriptions.Add(await hub.SubscribeAsync(deviceId));
            }

            var pumps = subscriptions.Select(s => Task.Run(async () =>
            {
                await foreach (var deviceEvent in s.Events.ReadAllAsync())
                {
                    merged.Writer.TryWrite((s.DeviceId, deviceEvent));
                }
            })).ToArray();
            _ = Task.WhenAll(pumps).ContinueWith(_ => merged.Writer.TryComplete(), TaskScheduler.Default);

            var response = new SseResponse(context);
            foreach (var deviceId in devices)
            {
                var grain = grains.GetGrain<IDeviceGrain>(deviceId);
                positions[deviceId] = await EventStreamEndpoints.ReplayAsync(
                    response,
                    grain,
                    deviceId,
                    positions.TryGetValue(deviceId, out var after) ? after : null,
                    (batch, deviceEvent) =>
                    {
                        positions[deviceId] = deviceEvent.Id;
                        Append(batch, deviceId, deviceEvent, positions);
                    });
            }

            await response.WriteAsync(": connected\n\n");
            while (await response.WaitAsync(merged.Reader.WaitToReadAsync))
            {
                var batch = new StringBuilder();
                while (merged.Reader.TryRead(out var item))
                {
                    if (item.Event.Id > positions.GetValueOrDefault(item.DeviceId, -1))
                    {
                        positions[item.DeviceId] = item.Event.Id;
                        Append(batch, item.DeviceId, item.Event, positions);
                    }
                }

                if (batch.Length > 0)
                {
                    await response.WriteAsync(batch.ToString());
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }
        }
    }

    private static void Append(StringBuilder batch, string deviceId, DeviceEvent deviceEvent, Dictionary<string, long> positions)
    {
        var id = string.Join(',', positions.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value}")));
        var data = JsonSerializer.Serialize(new DeviceStreamEvent(deviceId, deviceEvent.Id, deviceEvent.Data), EventJsonContext.Default.DeviceStreamEvent);
        batch.Append(CultureInfo.InvariantCulture, $"id: {id}\nevent: {deviceEvent.Kind}\ndata: {data}\n\n");
    }

    /// <summary>Parses <c>deviceId=id,…</c> (empty: start from now on every device).</summary>
    private static bool TryParsePositions(string text, out Dictionary<string, long> positions)
    {
        positions = new Dictionary<string, long>(StringComparer.Ordinal);
        if (text.Length == 0)
        {
            return true;
        }

        foreach (var part in text.Split(','))
        {
            var equals = part.LastIndexOf('=');
            if (equals <= 0 || !long.TryParse(part.AsSpan(equals + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return false;
            }

            positions[part[..equals]] = id;
        }

        return true;
    }
}

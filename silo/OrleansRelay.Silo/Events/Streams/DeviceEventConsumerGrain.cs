using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.BroadcastChannel;
using Orleans.Streams;
using Orleans.Streams.Core;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Events.Streams;

/// <summary>
/// Base of a grain that consumes one device's events (grain key = device id) exactly once by id. Derive from it, mark
/// the grain <c>[ImplicitChannelSubscription(DeviceEventStreams.Namespace)]</c> and
/// <c>[ImplicitStreamSubscription(DeviceEventStreams.Namespace)]</c> (whichever transport the silo runs, the grain
/// is subscribed), pass a persistent state for the position, and implement <see cref="HandleAsync"/>.
/// </summary>
/// <remarks>
/// The contract: <see cref="HandleAsync"/> gets every event of the device, in id order, each once. A stream delivery
/// whose first id is not the next one (a publish lost with a silo, events recorded while this grain was down) is
/// preceded by the missing events read from the device's log (<see cref="IDeviceGrain.GetEvents"/>); ids at or below
/// the position are dropped as duplicates. The position is written after each handled batch, so a consumer whose
/// silo dies mid-batch sees that batch again (at-least-once effects, exactly once by id as far as the position goes):
/// make effects idempotent by event id where that matters. Events that fell out of the log's replay window before
/// the consumer caught up are reported to <see cref="OnEventsLostAsync"/>.
/// </remarks>
public abstract partial class DeviceEventConsumerGrain : Grain, IGrainWithStringKey, IStreamSubscriptionObserver, IOnBroadcastChannelSubscribed
{
    /// <summary>Most events read from the log per catch-up call.</summary>
    private const int CatchUpPage = 500;

    private readonly IPersistentState<DeviceEventPosition> _position;
    private readonly SemaphoreSlim _receiving = new(1, 1);
    private ILogger? _logger;

    /// <summary>Takes the grain's persisted position (e.g. <c>[PersistentState("position", "devices")]</c>).</summary>
    protected DeviceEventConsumerGrain(IPersistentState<DeviceEventPosition> position)
    {
        _position = position;
    }

    /// <summary>The device whose events this grain consumes.</summary>
    protected string DeviceId => this.GetPrimaryKeyString();

    /// <summary>The id of the last event handled.</summary>
    protected long LastEventId => _position.State.LastEventId;

    /// <summary>
    /// Where a consumer with no position yet starts: true (default) at the oldest event the log still holds, so it
    /// sees the device's retained history once; false at the first event it receives.
    /// </summary>
    protected virtual bool StartAtLogStart => true;

    /// <summary>Whether the position is written after each batch (false: kept in memory; the consumer's own state tracks progress).</summary>
    protected virtual bool PersistPosition => true;

    private ILogger Logger => _logger ??= ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(GetType());

    /// <summary>Handles new events: contiguous ids, in order, each after the last handled one.</summary>
    protected abstract Task HandleAsync(IReadOnlyList<DeviceEvent> events);

    /// <summary>Events <paramref name="fromId"/>..<paramref name="toId"/> left the log's replay window before they were handled.</summary>
    protected virtual Task OnEventsLostAsync(long fromId, long toId)
    {
        Log.EventsLost(Logger, GetType().Name, DeviceId, fromId, toId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        handleFactory.Create<DeviceEventBatch>().ResumeAsync((batch, _) => ReceiveAsync(batch));

    /// <inheritdoc />
    public Task OnSubscribed(IBroadcastChannelSubscription streamSubscription) =>
        streamSubscription.Attach<DeviceEventBatch>(ReceiveAsync, ex =>
        {
            Log.TransportError(Logger, GetType().Name, DeviceId, ex.GetType().Name);
            return Task.CompletedTask;
        });

    /// <summary>
    /// One delivery from the transport. Never throws: a failure (the log unreachable, the handler failing) leaves the
    /// position where it was, and the next delivery retries from there.
    /// </summary>
    private async Task ReceiveAsync(DeviceEventBatch batch)
    {
        await _receiving.WaitAsync();
        try
        {
            var events = batch.Events;
            if (events.Length == 0 || events[^1].Id <= LastEventId)
            {
                return;
            }

            if (LastEventId == 0 && !StartAtLogStart)
            {
                _position.State.LastEventId = events[0].Id - 1;
            }

            if (events[0].Id > LastEventId + 1)
            {
                await CatchUpAsync(events[0].Id - 1);
            }

            var fresh = events.Where(e => e.Id > LastEventId).ToArray();
            if (fresh.Length > 0)
            {
                await HandleAndAdvanceAsync(fresh);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.ConsumeFailed(Logger, GetType().Name, DeviceId, LastEventId, ex.GetType().Name, ex.Message);
        }
        finally
        {
            _receiving.Release();
        }
    }

    /// <summary>Reads from the device's log and handles everything up to <paramref name="untilId"/>.</summary>
    private async Task CatchUpAsync(long untilId)
    {
        var device = GrainFactory.GetGrain<IDeviceGrain>(DeviceId);
        while (LastEventId < untilId)
        {
            var page = await device.GetEvents(LastEventId, CatchUpPage);
            if (page.Gap)
            {
                await OnEventsLostAsync(LastEventId + 1, page.OldestId - 1);
                _position.State.LastEventId = page.OldestId - 1;
            }

            var missing = page.Events.Where(e => e.Id > LastEventId && e.Id <= untilId).ToArray();
            if (missing.Length == 0)
            {
                if (page.LastId < untilId && page.OldestId <= untilId)
                {
                    // The log does not (yet) hold what the stream announced: nothing more to read now.
                    return;
                }

                await OnEventsLostAsync(LastEventId + 1, untilId);
                _position.State.LastEventId = untilId;
                return;
            }

            Log.CaughtUp(Logger, GetType().Name, DeviceId, missing[0].Id, missing[^1].Id);
            await HandleAndAdvanceAsync(missing);
        }
    }

    private async Task HandleAndAdvanceAsync(DeviceEvent[] events)
    {
        await HandleAsync(events);
        _position.State.LastEventId = events[^1].Id;
        if (PersistPosition)
        {
            await _position.WriteStateAsync();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1910, LogLevel.Debug, "{Consumer} of device {DeviceId} read events {FromId}..{ToId} from the log (missed on the stream)")]
        public static partial void CaughtUp(ILogger logger, string consumer, string deviceId, long fromId, long toId);

        [LoggerMessage(1911, LogLevel.Warning, "{Consumer} of device {DeviceId}: events {FromId}..{ToId} left the log's replay window before they were handled")]
        public static partial void EventsLost(ILogger logger, string consumer, string deviceId, long fromId, long toId);

        [LoggerMessage(1912, LogLevel.Warning, "{Consumer} of device {DeviceId} failed after event {EventId} ({Exception}): {Detail}; retried at the next event")]
        public static partial void ConsumeFailed(ILogger logger, string consumer, string deviceId, long eventId, string exception, string detail);

        [LoggerMessage(1913, LogLevel.Warning, "{Consumer} of device {DeviceId}: transport error ({Exception})")]
        public static partial void TransportError(ILogger logger, string consumer, string deviceId, string exception);
    }
}

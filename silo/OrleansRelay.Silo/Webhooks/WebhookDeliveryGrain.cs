using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Contracts.Model.Webhooks;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>
/// Delivers one device's events to one webhook, at least once and in id order. The device's log is the queue: the
/// grain persists only the last event it finished with and reads the rest from <see cref="IDeviceGrain.GetEvents"/>.
/// A failed attempt is retried after an exponential backoff with jitter; an event whose retries would run past
/// <see cref="WebhookOptions.MaxRetryDuration"/> after it was recorded is dead-lettered, and the next one follows.
/// </summary>
internal sealed partial class WebhookDeliveryGrain : Grain, IWebhookDeliveryGrain
{
    private const int Page = 100;
    private readonly IPersistentState<WebhookDeliveryState> _state;
    private readonly WebhookSender _sender;
    private readonly IOptionsMonitor<WebhookOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookDeliveryGrain> _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _known;

    public WebhookDeliveryGrain(
        [PersistentState("webhook-delivery", RelaySiloDefaults.DeviceStorageName)] IPersistentState<WebhookDeliveryState> state,
        WebhookSender sender,
        IOptionsMonitor<WebhookOptions> options,
        TimeProvider time,
        ILogger<WebhookDeliveryGrain> logger)
    {
        _state = state;
        _sender = sender;
        _options = options;
        _time = time;
        _logger = logger;
        var key = this.GetPrimaryKeyString();
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        WebhookId = key[..slash];
        DeviceId = key[(slash + 1)..];
    }

    private string WebhookId { get; }

    private string DeviceId { get; }

    public Task Wake(string scope, long lastEventId)
    {
        _state.State.Scope ??= scope;
        _known = Math.Max(_known, lastEventId);
        if (_loop.IsCompleted && _state.State.LastEventId < _known)
        {
            // Not awaited: the loop runs between this grain's turns, so wake-ups keep arriving while an attempt waits.
            _loop = DeliverPendingAsync(_stop.Token);
        }

        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _stop.Cancel();
        return Task.CompletedTask;
    }

    private async Task DeliverPendingAsync(CancellationToken stop)
    {
        var registry = GrainFactory.GetGrain<IWebhookRegistryGrain>(_state.State.Scope!);
        var device = GrainFactory.GetGrain<IDeviceGrain>(DeviceId);
        while (!stop.IsCancellationRequested && _state.State.LastEventId < _known)
        {
            try
            {
                if (await registry.Get(WebhookId) is not { } webhook)
                {
                    await StopForGoodAsync();
                    return;
                }

                var page = await device.GetEvents(_state.State.LastEventId, Page);
                if (page.Gap)
                {
                    Log.EventsExpired(_logger, WebhookId, DeviceId, _state.State.LastEventId + 1, page.OldestId - 1);
                    _state.State.LastEventId = page.OldestId - 1;
                }

                if (page.Events.Length == 0)
                {
                    _known = page.LastId;
                    await _state.WriteStateAsync(CancellationToken.None);
                    return;
                }

                foreach (var deviceEvent in page.Events)
                {
                    if (webhook.Events.Contains(deviceEvent.Kind, StringComparer.Ordinal) && deviceEvent.At >= webhook.CreatedAt)
                    {
                        webhook = await DeliverAsync(webhook, registry, deviceEvent, stop);
                        if (webhook is null)
                        {
                            await StopForGoodAsync();
                            return;
                        }
                    }

                    _state.State.LastEventId = deviceEvent.Id;
                }

                await _state.WriteStateAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                // The log or the registry unreachable (a silo failing over), a storage error: try again shortly.
                Log.LoopFailed(_logger, WebhookId, DeviceId, ex.GetType().Name, ex.Message);
                await Task.Delay(_options.CurrentValue.InitialBackoff, _time, stop);
            }
        }
    }

    /// <summary>Delivers one event until it succeeds or is dead-lettered; null when the webhook was deleted meanwhile.</summary>
    private async Task<WebhookRegistration?> DeliverAsync(WebhookRegistration webhook, IWebhookRegistryGrain registry, DeviceEvent deviceEvent, CancellationToken stop)
    {
        for (var attempt = 1; ; attempt++)
        {
            var error = await _sender.SendAsync(webhook, DeviceId, deviceEvent, stop);
            if (error is null)
            {
                Log.Delivered(_logger, WebhookId, DeviceId, deviceEvent.Id, attempt);
                return webhook;
            }

            var options = _options.CurrentValue;
            var delay = Backoff(attempt, options);
            if (_time.GetUtcNow() + delay > deviceEvent.At + options.MaxRetryDuration)
            {
                Log.DeadLettered(_logger, WebhookId, DeviceId, deviceEvent.Id, attempt, error);
                await registry.AddDeadLetter(new WebhookDeadLetter(
                    WebhookId, WebhookPayload.MessageId(DeviceId, deviceEvent.Id), DeviceId, deviceEvent.Id, deviceEvent.Kind, attempt, error, _time.GetUtcNow()));
                return webhook;
            }

            Log.AttemptFailed(_logger, WebhookId, DeviceId, deviceEvent.Id, attempt, error, delay);
            DelayDeactivation(delay + TimeSpan.FromMinutes(1));
            await Task.Delay(delay, _time, stop);
            if (await registry.Get(WebhookId) is not { } current)
            {
                return null;
            }

            webhook = current;
        }
    }

    /// <summary>Exponential backoff with jitter: a random wait between half and all of initial × 2^(attempt-1), capped.</summary>
    internal static TimeSpan Backoff(int attempt, WebhookOptions options)
    {
        var ceiling = Math.Min(options.MaxBackoff.TotalMilliseconds, options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private async Task StopForGoodAsync()
    {
        Log.WebhookGone(_logger, WebhookId, DeviceId);
        await _state.ClearStateAsync();
        DeactivateOnIdle();
    }

    private static partial class Log
    {
        [LoggerMessage(1960, LogLevel.Debug, "Webhook {WebhookId}: device {DeviceId} event {EventId} delivered (attempt {Attempt})")]
        public static partial void Delivered(ILogger logger, string webhookId, string deviceId, long eventId, int attempt);

        [LoggerMessage(1961, LogLevel.Information, "Webhook {WebhookId}: device {DeviceId} event {EventId} attempt {Attempt} failed ({Error}); retry in {Delay}")]
        public static partial void AttemptFailed(ILogger logger, string webhookId, string deviceId, long eventId, int attempt, string error, TimeSpan delay);

        [LoggerMessage(1962, LogLevel.Warning, "Webhook {WebhookId}: device {DeviceId} event {EventId} dead-lettered after {Attempts} attempts ({Error})")]
        public static partial void DeadLettered(ILogger logger, string webhookId, string deviceId, long eventId, int attempts, string error);

        [LoggerMessage(1963, LogLevel.Warning, "Webhook {WebhookId}: device {DeviceId} events {FromId}..{ToId} left the log before they were delivered")]
        public static partial void EventsExpired(ILogger logger, string webhookId, string deviceId, long fromId, long toId);

        [LoggerMessage(1964, LogLevel.Warning, "Webhook {WebhookId}: delivering device {DeviceId}'s events failed ({Exception}): {Detail}; retrying")]
        public static partial void LoopFailed(ILogger logger, string webhookId, string deviceId, string exception, string detail);

        [LoggerMessage(1965, LogLevel.Information, "Webhook {WebhookId} is gone; stopped delivering device {DeviceId}'s events")]
        public static partial void WebhookGone(ILogger logger, string webhookId, string deviceId);
    }
}

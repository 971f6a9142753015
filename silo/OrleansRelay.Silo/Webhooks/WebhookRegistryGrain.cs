using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Contracts.Model.Webhooks;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>The webhooks of one device or account (key: <see cref="WebhookScopes"/>), persisted with their dead letters.</summary>
internal sealed partial class WebhookRegistryGrain : Grain, IWebhookRegistryGrain
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);
    private static readonly string DeviceScopePrefix = WebhookScopes.Device("");
    private static readonly string AccountScopePrefix = WebhookScopes.Account("");
    private readonly IPersistentState<WebhookRegistryState> _state;
    private readonly IOptionsMonitor<WebhookOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookRegistryGrain> _logger;

    public WebhookRegistryGrain(
        [PersistentState("webhooks", RelaySiloDefaults.DeviceStorageName)] IPersistentState<WebhookRegistryState> state,
        IOptionsMonitor<WebhookOptions> options,
        TimeProvider time,
        ILogger<WebhookRegistryGrain> logger)
    {
        _state = state;
        _options = options;
        _time = time;
        _logger = logger;
    }

    private string Scope => this.GetPrimaryKeyString();

    public async ValueTask<WebhookAddResult> Add(string url, string[] events)
    {
        var options = _options.CurrentValue;
        if (WebhookTargetPolicy.CheckForm(url, out var uri) is { } formError)
        {
            return Refused(formError);
        }

        var kinds = (events is { Length: > 0 } ? events : [DeviceEventKinds.Notification, DeviceEventKinds.Presence]).Distinct(StringComparer.Ordinal).ToArray();
        if (kinds.Any(k => k is not (DeviceEventKinds.Notification or DeviceEventKinds.Presence)))
        {
            return Refused($"events may contain only \"{DeviceEventKinds.Notification}\" and \"{DeviceEventKinds.Presence}\".");
        }

        if (_state.State.Webhooks.Count >= options.MaxWebhooksPerScope)
        {
            return Refused($"At most {options.MaxWebhooksPerScope} webhooks per device or account (Webhooks:MaxWebhooksPerScope).");
        }

        try
        {
            var allowed = await WebhookTargetPolicy.AllowedAddressesAsync(uri!.IdnHost, options.AllowPrivateTargets, CancellationToken.None).WaitAsync(ResolveTimeout, _time);
            if (allowed.Length == 0)
            {
                return Refused(new WebhookTargetRefusedException(uri.Host).Message);
            }
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return Refused($"{uri!.Host} does not resolve ({ex.Message}).");
        }

        var webhook = new WebhookRegistration(
            "wh_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Scope,
            uri.AbsoluteUri,
            kinds,
            WebhookSignature.NewSecret(),
            _time.GetUtcNow());

        // First the device (or account) learns it has webhooks, so its events go to the dispatcher: a webhook that
        // exists is never skipped. Told on every add (idempotent), which also repairs a flag lost earlier.
        await TellScopeOwnerAsync(any: true);
        _state.State.Webhooks.Add(webhook);
        await _state.WriteStateAsync();
        Log.Added(_logger, webhook.Id, Scope, uri.Host);
        return new WebhookAddResult(webhook, null);
    }

    public ValueTask<WebhookRegistration[]> List() => ValueTask.FromResult(_state.State.Webhooks.ToArray());

    public ValueTask<WebhookRegistration?> Get(string webhookId) =>
        ValueTask.FromResult(_state.State.Webhooks.FirstOrDefault(w => w.Id == webhookId));

    public async ValueTask<bool> Remove(string webhookId)
    {
        if (_state.State.Webhooks.RemoveAll(w => w.Id == webhookId) == 0)
        {
            return false;
        }

        _state.State.DeadLetters.Remove(webhookId);
        await _state.WriteStateAsync();
        Log.Removed(_logger, webhookId, Scope);
        if (_state.State.Webhooks.Count == 0)
        {
            try
            {
                await TellScopeOwnerAsync(any: false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Harmless: the device's events keep waking the dispatcher, which finds nothing to deliver.
                Log.UnflagFailed(_logger, Scope, ex.GetType().Name, ex.Message);
            }
        }

        return true;
    }

    /// <summary>Tells the device or account of this scope whether it has webhooks now.</summary>
    private ValueTask TellScopeOwnerAsync(bool any) =>
        Scope.StartsWith(DeviceScopePrefix, StringComparison.Ordinal)
            ? GrainFactory.GetGrain<IDeviceGrain>(Scope[DeviceScopePrefix.Length..]).SetOwnWebhooks(any)
            : GrainFactory.GetGrain<IAccountGrain>(Scope[AccountScopePrefix.Length..]).SetWebhooks(any);

    public async ValueTask AddDeadLetter(WebhookDeadLetter deadLetter)
    {
        if (!_state.State.Webhooks.Any(w => w.Id == deadLetter.WebhookId))
        {
            return;
        }

        if (!_state.State.DeadLetters.TryGetValue(deadLetter.WebhookId, out var list))
        {
            _state.State.DeadLetters[deadLetter.WebhookId] = list = [];
        }

        list.Add(deadLetter);
        list.RemoveRange(0, Math.Max(0, list.Count - Math.Max(1, _options.CurrentValue.DeadLetterCapacity)));
        await _state.WriteStateAsync();
    }

    public ValueTask<WebhookDeadLetter[]?> GetDeadLetters(string webhookId) =>
        ValueTask.FromResult(_state.State.Webhooks.Any(w => w.Id == webhookId)
            ? (_state.State.DeadLetters.TryGetValue(webhookId, out var list) ? list.ToArray() : [])
            : null);

    private WebhookAddResult Refused(string reason)
    {
        Log.Refused(_logger, Scope, reason);
        return new WebhookAddResult(null, reason);
    }

    private static partial class Log
    {
        [LoggerMessage(1950, LogLevel.Information, "Webhook {WebhookId} registered for {Scope} (host {Host})")]
        public static partial void Added(ILogger logger, string webhookId, string scope, string host);

        [LoggerMessage(1951, LogLevel.Information, "Webhook {WebhookId} of {Scope} deleted")]
        public static partial void Removed(ILogger logger, string webhookId, string scope);

        [LoggerMessage(1952, LogLevel.Warning, "Webhook registration for {Scope} refused: {Reason}")]
        public static partial void Refused(ILogger logger, string scope, string reason);

        [LoggerMessage(1953, LogLevel.Warning, "The last webhook of {Scope} is deleted, but telling its owner failed ({Exception}): {Detail}; its events still wake the dispatcher, which delivers nothing")]
        public static partial void UnflagFailed(ILogger logger, string scope, string exception, string detail);
    }
}

using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Events.Streams;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Samples.Rules;

/// <summary>
/// A consumer grain per device (key = device id): when one of the device's notifications matches a rule, it calls the
/// rule's target device through the relay. The call carries <c>Idempotency-Key: {device}/{event id}</c>, because a
/// consumer whose silo dies between the call and the position write sees that event once more.
/// </summary>
[ImplicitChannelSubscription(DeviceEventStreams.Namespace)]
[ImplicitStreamSubscription(DeviceEventStreams.Namespace)]
internal sealed partial class NotificationRuleGrain : DeviceEventConsumerGrain
{
    private readonly IHttpClientFactory _http;
    private readonly ILogger<NotificationRuleGrain> _logger;
    private readonly NotificationRuleOptions _options;
    private readonly NotificationRule[] _rules;

    public NotificationRuleGrain(
        [PersistentState("rule-position", RelaySiloDefaults.DeviceStorageName)] IPersistentState<DeviceEventPosition> position,
        IOptions<NotificationRuleOptions> options,
        IHttpClientFactory http,
        ILogger<NotificationRuleGrain> logger)
        : base(position)
    {
        _options = options.Value;
        _http = http;
        _logger = logger;
        _rules = [.. _options.Rules.Where(r => string.Equals(r.SourceDevice, this.GetPrimaryKeyString(), StringComparison.Ordinal))];
    }

    /// <summary>A device without rules keeps no position: nothing it handles has an effect, so nothing is written per event.</summary>
    protected override bool PersistPosition => _rules.Length > 0;

    /// <summary>Rules act on what happens from now on, not on the device's retained history.</summary>
    protected override bool StartAtLogStart => false;

    protected override async Task HandleAsync(IReadOnlyList<DeviceEvent> events)
    {
        foreach (var deviceEvent in events)
        {
            if (deviceEvent.Kind != DeviceEventKinds.Notification)
            {
                continue;
            }

            foreach (var rule in _rules.Where(r => deviceEvent.Data.Contains(r.Contains, StringComparison.Ordinal)))
            {
                await CallTargetAsync(rule, deviceEvent);
            }
        }
    }

    private async Task CallTargetAsync(NotificationRule rule, DeviceEvent deviceEvent)
    {
        var relay = _options.RelayUrl ?? throw new InvalidOperationException("Rules:RelayUrl is not set.");
        using var request = new HttpRequestMessage(new HttpMethod(rule.Method), new Uri(relay, $"/v1/devices/{Uri.EscapeDataString(rule.TargetDevice)}/api{rule.Path}"));
        request.Headers.Add("X-Admin-Key", _options.AdminKey);
        request.Headers.Add("Idempotency-Key", $"{DeviceId}/{deviceEvent.Id}");
        if (rule.Body is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.CreateClient(NotificationRuleHosting.HttpClientName).SendAsync(request);
        Log.RuleFired(_logger, DeviceId, deviceEvent.Id, rule.TargetDevice, rule.Path, (int)response.StatusCode);
        // A failure status is the target device's answer (offline: 503), not a reason to stop the consumer.
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Rule on device {DeviceId} event {EventId} called {TargetDevice} {Path}: {Status}")]
        public static partial void RuleFired(ILogger logger, string deviceId, long eventId, string targetDevice, string path, int status);
    }
}

using System.Globalization;
using System.Net.Http.Headers;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Contracts.Model.Webhooks;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>One delivery attempt: a signed POST; any 2xx is success, anything else (redirects included) a failure.</summary>
internal sealed class WebhookSender
{
    /// <summary>The named HTTP client (no redirects, no proxy, the SSRF-checking connect step, an attempt timeout).</summary>
    public const string HttpClientName = "webhooks";

    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _time;

    public WebhookSender(IHttpClientFactory http, TimeProvider time)
    {
        _http = http;
        _time = time;
    }

    /// <summary>Null on success, else what went wrong (for the log and the dead-letter list).</summary>
    public async Task<string?> SendAsync(WebhookRegistration webhook, string deviceId, DeviceEvent deviceEvent, CancellationToken cancellationToken)
    {
        var body = WebhookPayload.Serialize(deviceId, deviceEvent);
        var messageId = WebhookPayload.MessageId(deviceId, deviceEvent.Id);
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(webhook.Secret, messageId, timestamp, body));
        try
        {
            using var response = await _http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ex.InnerException is WebhookTargetRefusedException refused ? refused.Message : $"{ex.GetType().Name}: {ex.Message}";
        }
    }
}

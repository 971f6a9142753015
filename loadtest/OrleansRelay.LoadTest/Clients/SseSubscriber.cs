using System.Net;
using OrleansRelay.LoadTest.Measurement;

namespace OrleansRelay.LoadTest.Clients;

/// <summary>
/// One Server-Sent Events subscriber of a device (<c>GET /v1/devices/{id}/events</c> with the operator key): hands
/// every <c>notification</c> event's data to the <see cref="DeliveryTracker"/>; when the stream ends it opens it again
/// with <c>Last-Event-ID</c>, as a browser's EventSource does, and counts the restart.
/// </summary>
internal sealed class SseSubscriber
{
    private readonly HttpMessageInvoker _http;
    private readonly Uri _url;
    private readonly string _adminKey;
    private readonly DeliveryTracker _tracker;
    private readonly int _index;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _lastEventId;

    public SseSubscriber(HttpMessageInvoker http, Uri edge, string adminKey, string deviceId, DeliveryTracker tracker)
    {
        _http = http;
        _url = new Uri(edge, $"/v1/devices/{deviceId}/events");
        _adminKey = adminKey;
        _tracker = tracker;
        _index = tracker.AddSubscriber(deviceId, "sse");
    }

    /// <summary>Completes when the first stream said <c>: connected</c> (the edge subscribed before that line).</summary>
    public Task Connected => _connected.Task;

    /// <summary>Reads the stream, reopening it when it ends, until <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReadStreamAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // Reconnect below.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            _tracker.Subscribers[_index].Restarted();
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReadStreamAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url) { Version = HttpVersion.Version11 };
        request.Headers.Add("X-Admin-Key", _adminKey);
        if (_lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", _lastEventId);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The event stream answered {(int)response.StatusCode}.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(body);
        string? eventName = null;
        string? data = null;
        string? id = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (id is not null)
                {
                    _lastEventId = id;
                }

                if (eventName == "notification" && data is not null)
                {
                    _tracker.Received(_index, data);
                }

                (eventName, data, id) = (null, null, null);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line["id: ".Length..];
            }
            else if (line == ": connected")
            {
                _connected.TrySetResult();
            }
        }
    }
}

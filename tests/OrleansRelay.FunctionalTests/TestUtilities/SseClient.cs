using System.Globalization;
using System.Threading.Channels;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>A Server-Sent Events client over a real HTTP connection: parses events into a channel as they arrive.</summary>
internal sealed class SseClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private readonly Task _reading;

    private SseClient(HttpClient http, HttpResponseMessage response)
    {
        _http = http;
        _response = response;
        _reading = Task.Run(ReadAsync);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens the stream; <paramref name="lastEventId"/> resumes after that id.</summary>
    public static Task<SseClient> OpenAsync(Uri baseAddress, string path, long? lastEventId = null, string key = TestEdge.AdminKey) =>
        OpenAsync(baseAddress, path, lastEventId?.ToString(CultureInfo.InvariantCulture), key, bearer: null);

    /// <summary>Opens the stream with a user's token (or the admin key) and an opaque <c>Last-Event-ID</c>.</summary>
    public static async Task<SseClient> OpenAsync(Uri baseAddress, string path, string? lastEventId, string? key, string? bearer)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("X-Admin-Key", key);
        }

        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return new SseClient(http, response);
    }

    /// <summary>The next event (comments skipped), within <paramref name="timeout"/>.</summary>
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null) =>
        await Eventually.Within(_events.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask(), "the next server-sent event", timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>The next <paramref name="count"/> events of the given kind, skipping others.</summary>
    public async Task<List<SseEvent>> NextAsync(int count, string kind, TimeSpan? timeout = null)
    {
        var events = new List<SseEvent>();
        while (events.Count < count)
        {
            var next = await NextAsync(timeout);
            if (next.Kind == kind)
            {
                events.Add(next);
            }
        }

        return events;
    }

    /// <summary>Whether an event is already waiting (to prove nothing extra arrived).</summary>
    public bool TryPeek(out SseEvent? next) => _events.Reader.TryPeek(out next);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        _http.Dispose();
        await _reading.ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    private async Task ReadAsync()
    {
        try
        {
            using var reader = new StreamReader(await _response.Content.ReadAsStreamAsync(_stop.Token));
            string? id = null, kind = null;
            var data = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (data.Count > 0)
                    {
                        _events.Writer.TryWrite(new SseEvent(
                            long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) ? numeric : null,
                            kind ?? "message",
                            string.Join("\n", data),
                            id));
                    }

                    id = kind = null;
                    data.Clear();
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    kind = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Add(line[6..]);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }
}

/// <summary>One server-sent event.</summary>
/// <param name="Id">The id when it is a number (per-device streams).</param>
/// <param name="RawId">The id as sent (the all-devices stream's ids are positions, not numbers).</param>
internal sealed record SseEvent(long? Id, string Kind, string Data, string? RawId = null);

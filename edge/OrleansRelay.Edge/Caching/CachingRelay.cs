using System.Globalization;
using System.Text;
using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Edge.Caching;

/// <summary>
/// The cache in front of one device's relay: serves fresh GETs from <see cref="DeviceResponseCache"/>, revalidates
/// stale ones with the device, coalesces concurrent misses into one device request, answers conditional requests
/// (304, 412) from cached representations, and invalidates on writes. Runs one step at a time on its session's
/// exclusive scheduler (<see cref="Connections.SessionRelay"/>), as it once did inside the device's grain, so it needs no locks.
/// </summary>
internal sealed class CachingRelay
{
    private static readonly string[] ClientConditionals = ["If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range"];
    private static readonly string[] CoalescingHeaders = ["accept", "accept-language", "accept-encoding", "x-device-authorization"];

    private readonly DeviceResponseCache _cache;
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;
    private readonly CacheMetrics? _metrics;
    private readonly Dictionary<string, Task<(RelayResponse Response, CacheEntry? Entry)>> _inFlight = new(StringComparer.Ordinal);
    private long _invalidations;

    public CachingRelay(CacheOptions options, TimeProvider time, CacheMetrics? metrics)
    {
        _options = options;
        _time = time;
        _metrics = metrics;
        _cache = new DeviceResponseCache(options, time, metrics);
    }

    public DeviceResponseCache Cache => _cache;

    /// <summary>Relays <paramref name="request"/> through the cache; <paramref name="forward"/> reaches the device.</summary>
    public async Task<RelayResponse> RelayAsync(RelayRequest request, DeviceForward forward)
    {
        var method = request.Method.ToUpperInvariant();
        if (!_options.Enabled || method is not ("GET" or "POST" or "PUT" or "PATCH" or "DELETE"))
        {
            return Tagged(await forward(request, false), CacheStatus.Bypass);
        }

        return method == "GET" ? await GetAsync(request, forward) : await WriteAsync(request, forward);
    }

    /// <summary>The device says these paths changed (<c>*</c>: everything). Each path and its parent collection are dropped.</summary>
    public int Invalidate(IEnumerable<string> paths)
    {
        _invalidations++;
        var removed = 0;
        foreach (var path in paths)
        {
            removed += path == "*" ? _cache.Clear() : InvalidateWithParent(CacheUri.Normalize(path).Path);
        }

        return removed;
    }

    private async Task<RelayResponse> GetAsync(RelayRequest request, DeviceForward forward)
    {
        var (path, uri) = CacheUri.Normalize(request.PathAndQuery);
        var requestCacheControl = CacheControl.Parse(HeaderList.Get(request.Headers, "Cache-Control"));
        if (requestCacheControl.Has("no-store"))
        {
            // The client forbids storing any part of this exchange: relay it untouched.
            _metrics?.Outcome(CacheStatus.Bypass);
            return Tagged(await forward(request, false), CacheStatus.Bypass);
        }

        var bypass = requestCacheControl.Has("no-cache")
            || HeaderList.Get(request.Headers, "Pragma")?.Contains("no-cache", StringComparison.OrdinalIgnoreCase) == true;
        var now = _time.GetUtcNow();
        if (!bypass && _cache.Find(uri, request.Headers) is { } entry)
        {
            if (entry.IsFresh(now))
            {
                return FromCache(request, entry, now);
            }

            if (entry.CanRevalidate)
            {
                return await RevalidateAsync(request, uri, path, entry, forward);
            }
        }

        // A client that asked to bypass the cache gets its own trip to the device, never a shared one.
        var (response, stored) = bypass
            ? await FetchAndStoreAsync(request, uri, path, forward)
            : await FetchCoalescedAsync(request, uri, path, forward);
        return Answer(request, response, stored, bypass ? CacheStatus.Bypass : CacheStatus.Miss);
    }

    private RelayResponse Answer(RelayRequest request, RelayResponse response, CacheEntry? stored, string status)
    {
        _metrics?.Outcome(status);
        if (stored is not null)
        {
            return NotModified(request, stored, _time.GetUtcNow(), status) ?? Tagged(stored.Response, status);
        }

        return Tagged(response, status);
    }

    /// <summary>Asks the device whether a stale entry is still current: a 304 renews it, a 200 replaces it.</summary>
    private async Task<RelayResponse> RevalidateAsync(
        RelayRequest request, string uri, string path, CacheEntry entry, DeviceForward forward)
    {
        var conditional = new List<KeyValuePair<string, string>>(HeaderList.Without(request.Headers, ClientConditionals));
        if (entry.DeviceETag)
        {
            conditional.Add(new("If-None-Match", entry.ETag));
        }

        if (entry.LastModified is { } lastModified)
        {
            conditional.Add(new("If-Modified-Since", HttpDates.Format(lastModified)));
        }

        var version = _invalidations;
        var response = await forward(request with { Headers = [.. conditional] }, true);
        var unchanged = version == _invalidations;
        if (response.Error == RelayError.None && response.Status == 304 && unchanged && entry.Node is not null)
        {
            _cache.Refresh(entry, response);
            return FromCache(request, entry, _time.GetUtcNow());
        }

        var stored = response.Error == RelayError.None && unchanged ? _cache.TryStore(uri, path, request.Headers, response) : null;
        return Answer(request, response, stored, CacheStatus.Miss);
    }

    private async Task<(RelayResponse Response, CacheEntry? Entry)> FetchCoalescedAsync(
        RelayRequest request, string uri, string path, DeviceForward forward)
    {
        var key = CoalescingKey(uri, request.Headers);
        if (_inFlight.TryGetValue(key, out var shared))
        {
            _metrics?.Coalesced();
            var result = await shared;
            // A streamed body has one reader, and the response may vary on a header the coalescing key ignores: then
            // this caller needs its own.
            if (result.Response.BodyStream is null && SelectingHeaders.Vary(result.Response.Headers).All(CoalescingHeaders.Contains))
            {
                return result;
            }

            return await FetchAndStoreAsync(request, uri, path, forward);
        }

        var fetch = FetchAndStoreAsync(request, uri, path, forward);
        _inFlight[key] = fetch;
        try
        {
            return await fetch;
        }
        finally
        {
            _inFlight.Remove(key);
        }
    }

    private async Task<(RelayResponse Response, CacheEntry? Entry)> FetchAndStoreAsync(
        RelayRequest request, string uri, string path, DeviceForward forward)
    {
        // The cache answers the client's conditionals itself, so ask the device for the full representation.
        var version = _invalidations;
        var response = await forward(request with { Headers = HeaderList.Without(request.Headers, ClientConditionals) }, true);
        if (response.Error != RelayError.None || version != _invalidations)
        {
            return (response, null);
        }

        return (response, _cache.TryStore(uri, path, request.Headers, response));
    }

    private async Task<RelayResponse> WriteAsync(RelayRequest request, DeviceForward forward)
    {
        var (path, uri) = CacheUri.Normalize(request.PathAndQuery);
        var now = _time.GetUtcNow();
        if (_cache.Find(uri, request.Headers) is { } current && current.IsFresh(now) && PreconditionFails(request, current))
        {
            _metrics?.Outcome(CacheStatus.Hit);
            return PreconditionFailed(current, now);
        }

        _invalidations++;
        InvalidateWithParent(path);
        var response = await forward(request, false);
        _invalidations++;
        InvalidateWithParent(path);
        _metrics?.Outcome(CacheStatus.Bypass);
        return Tagged(response, CacheStatus.Bypass);
    }

    private int InvalidateWithParent(string path)
    {
        var removed = _cache.InvalidatePath(path);
        if (CacheUri.Parent(path) is { } parent)
        {
            removed += _cache.InvalidatePath(parent);
        }

        return removed;
    }

    private RelayResponse FromCache(RelayRequest request, CacheEntry entry, DateTimeOffset now)
    {
        _metrics?.Outcome(CacheStatus.Hit);
        return NotModified(request, entry, now, CacheStatus.Hit) ?? WithCacheHeaders(entry.Response, entry, now, CacheStatus.Hit);
    }

    /// <summary>A 304 when the client's <c>If-None-Match</c> (or, without it, <c>If-Modified-Since</c>) shows its copy is current.</summary>
    private static RelayResponse? NotModified(RelayRequest request, CacheEntry entry, DateTimeOffset now, string status)
    {
        var ifNoneMatch = HeaderList.Get(request.Headers, "If-None-Match");
        var current = ifNoneMatch is not null
            ? EntityTags.NoneMatchHits(ifNoneMatch, entry.ETag)
            : HttpDates.Parse(HeaderList.Get(request.Headers, "If-Modified-Since")) is { } since && entry.LastModified is { } modified && modified <= since;
        if (!current)
        {
            return null;
        }

        string[] kept = ["ETag", "Last-Modified", "Cache-Control", "Expires", "Vary", "Content-Location", "Date"];
        var notModified = entry.Response with
        {
            Status = 304,
            Reason = "Not Modified",
            Headers = [.. entry.Response.Headers.Where(h => kept.Contains(h.Key, StringComparer.OrdinalIgnoreCase))],
            Body = [],
        };
        return WithCacheHeaders(notModified, entry, now, status);
    }

    private static bool PreconditionFails(RelayRequest request, CacheEntry current)
    {
        if (HeaderList.Get(request.Headers, "If-Match") is { } ifMatch)
        {
            return !EntityTags.MatchHolds(ifMatch, current.ETag);
        }

        return HttpDates.Parse(HeaderList.Get(request.Headers, "If-Unmodified-Since")) is { } since
            && current.LastModified is { } modified && modified > since;
    }

    private static RelayResponse PreconditionFailed(CacheEntry current, DateTimeOffset now)
    {
        var body = Encoding.UTF8.GetBytes("{\"error\":412,\"message\":\"The resource changed since your copy: its current ETag is " +
            current.ETag.Replace("\"", "\\\"", StringComparison.Ordinal) + ".\"}");
        var response = new RelayResponse(
            412,
            "Precondition Failed",
            [new("Content-Type", "application/json"), new("ETag", current.ETag)],
            body,
            RelayError.None,
            null);
        return WithCacheHeaders(response, current, now, CacheStatus.Hit);
    }

    private static RelayResponse WithCacheHeaders(RelayResponse response, CacheEntry entry, DateTimeOffset now, string status)
    {
        var age = ((long)Math.Max(0, entry.Age(now).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return response with { Headers = HeaderList.With(response.Headers, new KeyValuePair<string, string>("Age", age), new KeyValuePair<string, string>(CacheStatus.HeaderName, status)) };
    }

    internal static RelayResponse Tagged(RelayResponse response, string status) =>
        response.Error == RelayError.None
            ? response with { Headers = HeaderList.With(response.Headers, new KeyValuePair<string, string>(CacheStatus.HeaderName, status)) }
            : response;

    private static string CoalescingKey(string uri, KeyValuePair<string, string>[] headers)
    {
        var values = SelectingHeaders.Capture(headers, CoalescingHeaders);
        return uri + "\n" + string.Join("\n", CoalescingHeaders.Select(h => values[h]));
    }
}

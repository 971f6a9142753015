using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Caching;
using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// The relay of one device session on the edge that holds its socket: requests go through the session's response
/// cache (<see cref="CachingRelay"/>) into the device's stream. The cache's logic runs one step at a time on an
/// exclusive scheduler of its own, exactly as it did inside the device's grain, while bodies stream outside it; a
/// request that the cache cannot touch (a no-store GET, HEAD, OPTIONS, a disabled cache) skips the scheduler.
/// </summary>
internal sealed class SessionRelay
{
    private readonly DeviceConnection _connection;
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;
    private readonly CacheMetrics? _metrics;
    private readonly CachingRelay _cache;
    private readonly TaskScheduler _exclusive = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;

    public SessionRelay(DeviceConnection connection, CacheOptions options, TimeProvider time, CacheMetrics? metrics)
    {
        _connection = connection;
        _options = options;
        _time = time;
        _metrics = metrics;
        _cache = new CachingRelay(options, time, metrics);
    }

    /// <summary>Relays <paramref name="request"/>; a response body that streams belongs to the caller, who disposes it.</summary>
    public async Task<RelayResponse> SendAsync(RelayRequest request, CancellationToken aborted)
    {
        if (!NeedsCache(request))
        {
            _metrics?.Outcome(CacheStatus.Bypass);
            return CachingRelay.Tagged(await _connection.ExchangeAsync(request, 0, upgrade: false, aborted), CacheStatus.Bypass);
        }

        // A cached exchange may be shared by coalesced requests, so one client going away does not cancel it; the
        // head wait is bounded by the device timeout and buffering by the entry size.
        DeviceForward forward = (r, buffer) => _connection.ExchangeAsync(r, buffer ? _options.MaxEntryBytes : 0, upgrade: false, CancellationToken.None);
        var relay = Task.Factory.StartNew(() => _cache.RelayAsync(request, forward), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _exclusive).Unwrap();
        try
        {
            return await relay.WaitAsync(aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            _ = relay.ContinueWith(static t => t.Result.BodyStream?.Dispose(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>The device says these paths changed (<c>*</c>: everything).</summary>
    public Task<int> InvalidateAsync(string[] paths) => RunExclusive(() => _cache.Invalidate(paths));

    /// <summary>Drops every cached response. Returns how many.</summary>
    public Task<int> PurgeAsync() => RunExclusive(() => _cache.Cache.Clear());

    /// <summary>The cached responses, for operators.</summary>
    public Task<DeviceCacheView> ViewAsync() => RunExclusive(() =>
    {
        var now = _time.GetUtcNow();
        var entries = _cache.Cache.Snapshot()
            .Select(e => new CacheEntryView(
                e.Uri,
                string.Join("; ", e.Selecting.Where(h => h.Value.Length > 0).Select(h => $"{h.Key}={h.Value}")),
                e.Size,
                e.Age(now),
                e.FreshUntil - now,
                e.ETag))
            .ToArray();
        return new DeviceCacheView(_cache.Cache.Bytes, _cache.Cache.Evictions, entries);
    });

    /// <summary>Gives the cache's bytes back when the session ends.</summary>
    public void Clear() => _ = PurgeAsync();

    private bool NeedsCache(RelayRequest request)
    {
        if (!_options.Enabled)
        {
            return false;
        }

        var method = request.Method;
        if (HttpMethodIs(method, "GET"))
        {
            return CacheControl.Parse(HeaderList.Get(request.Headers, "Cache-Control")).Has("no-store") is false;
        }

        return HttpMethodIs(method, "POST") || HttpMethodIs(method, "PUT") || HttpMethodIs(method, "PATCH") || HttpMethodIs(method, "DELETE");
    }

    private static bool HttpMethodIs(string method, string expected) => method.Equals(expected, StringComparison.OrdinalIgnoreCase);

    private Task<T> RunExclusive<T>(Func<T> action) =>
        Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.DenyChildAttach, _exclusive);
}

using System.Security.Cryptography;
using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Edge.Caching;

/// <summary>
/// One device's cached GET responses: variants per normalized URI, a byte budget with least-recently-used eviction,
/// and invalidation by path. Not thread-safe: its grain runs one turn at a time.
/// </summary>
internal sealed class DeviceResponseCache
{
    private readonly CacheOptions _options;
    private readonly TimeProvider _time;
    private readonly CacheMetrics? _metrics;
    private readonly Dictionary<string, List<CacheEntry>> _byUri = new(StringComparer.Ordinal);
    private readonly LinkedList<CacheEntry> _lru = new();

    public DeviceResponseCache(CacheOptions options, TimeProvider time, CacheMetrics? metrics)
    {
        _options = options;
        _time = time;
        _metrics = metrics;
    }

    public long Bytes { get; private set; }

    public int Count => _lru.Count;

    public long Evictions { get; private set; }

    public IReadOnlyList<CacheEntry> Snapshot() => [.. _lru];

    /// <summary>The variant of <paramref name="uri"/> selected by these request headers, fresh or stale, marked as used.</summary>
    public CacheEntry? Find(string uri, KeyValuePair<string, string>[] requestHeaders)
    {
        if (!_byUri.TryGetValue(uri, out var variants))
        {
            return null;
        }

        var entry = variants.Find(v => SelectingHeaders.Matches(v.Selecting, requestHeaders));
        if (entry is not null)
        {
            _lru.Remove(entry.Node!);
            _lru.AddFirst(entry.Node!);
        }

        return entry;
    }

    /// <summary>Stores a GET response if its headers allow it. Returns the entry (whose ETag the response should carry), or null.</summary>
    public CacheEntry? TryStore(string uri, string path, KeyValuePair<string, string>[] requestHeaders, RelayResponse response)
    {
        var now = _time.GetUtcNow();
        var policy = ResponseCachePolicy.Evaluate(response, _options, now);
        if (!policy.Storable || response.BodyStream is not null)
        {
            return null;
        }

        var deviceETag = HeaderList.Get(response.Headers, "ETag");
        var etag = deviceETag ?? GenerateETag(response.Body);
        var headers = deviceETag is null ? HeaderList.With(response.Headers, new KeyValuePair<string, string>("ETag", etag)) : response.Headers;
        var size = response.Body.LongLength + headers.Sum(h => (long)h.Key.Length + h.Value.Length) + uri.Length;
        if (size > _options.MaxBytesPerDevice || size > _options.MaxEntryBytes + 64 * 1024)
        {
            return null;
        }

        var entry = new CacheEntry
        {
            Uri = uri,
            Path = path,
            Selecting = SelectingHeaders.Capture(requestHeaders, SelectingHeaders.Always.Concat(SelectingHeaders.Vary(response.Headers)).Distinct()),
            Response = response with { Headers = headers },
            ETag = etag,
            DeviceETag = deviceETag is not null,
            LastModified = HttpDates.Parse(HeaderList.Get(response.Headers, "Last-Modified")),
            StoredAt = now,
            FreshUntil = now + policy.FreshFor,
            InitialAge = policy.InitialAge,
            Size = size,
        };

        if (_byUri.TryGetValue(uri, out var variants))
        {
            foreach (var old in variants.Where(v => SelectingHeaders.Matches(v.Selecting, requestHeaders)).ToArray())
            {
                Remove(old);
            }
        }

        if (!_byUri.TryGetValue(uri, out variants))
        {
            variants = [];
            _byUri[uri] = variants;
        }

        variants.Add(entry);
        entry.Node = _lru.AddFirst(entry);
        Bytes += size;
        _metrics?.BytesChanged(size);
        while (Bytes > _options.MaxBytesPerDevice && _lru.Last is { } last)
        {
            Remove(last.Value);
            Evictions++;
            _metrics?.Evicted();
        }

        return entry;
    }

    /// <summary>The device confirmed (304) that a stored entry is still current: renew its freshness from the 304's headers.</summary>
    public void Refresh(CacheEntry entry, RelayResponse notModified)
    {
        var now = _time.GetUtcNow();
        var merged = entry.Response with
        {
            Headers = HeaderList.With(
                entry.Response.Headers,
                [.. notModified.Headers.Where(h => h.Key is "Cache-Control" or "Expires" or "Date" or "ETag" or "Last-Modified" or "Age")]),
        };
        var policy = ResponseCachePolicy.Evaluate(merged, _options, now);
        entry.Response = merged;
        entry.StoredAt = now;
        entry.InitialAge = policy.InitialAge;
        entry.FreshUntil = now + policy.FreshFor;
    }

    /// <summary>Removes every variant of every URI whose path is <paramref name="path"/> (any query). Returns how many.</summary>
    public int InvalidatePath(string path)
    {
        var victims = _lru.Where(e => e.Path == path).ToArray();
        foreach (var victim in victims)
        {
            Remove(victim);
        }

        return victims.Length;
    }

    public int Clear()
    {
        var count = _lru.Count;
        _metrics?.BytesChanged(-Bytes);
        _byUri.Clear();
        _lru.Clear();
        Bytes = 0;
        return count;
    }

    private void Remove(CacheEntry entry)
    {
        if (entry.Node is null)
        {
            return;
        }

        _lru.Remove(entry.Node);
        entry.Node = null;
        var variants = _byUri[entry.Uri];
        variants.Remove(entry);
        if (variants.Count == 0)
        {
            _byUri.Remove(entry.Uri);
        }

        Bytes -= entry.Size;
        _metrics?.BytesChanged(-entry.Size);
    }

    private static string GenerateETag(byte[] body) =>
        "\"" + Convert.ToBase64String(SHA256.HashData(body), 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "\"";
}

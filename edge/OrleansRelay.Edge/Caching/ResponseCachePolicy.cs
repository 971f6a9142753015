using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Edge.Caching;

/// <summary>Whether a device response may be stored by a shared cache, and for how long it is fresh (RFC 9111 §3, §4.2).</summary>
internal readonly record struct ResponseCachePolicy(bool Storable, TimeSpan FreshFor, TimeSpan InitialAge, string Reason)
{
    public static ResponseCachePolicy Evaluate(RelayResponse response, CacheOptions options, DateTimeOffset now)
    {
        if (response.Error != RelayError.None || response.Status != 200)
        {
            return NotStorable("status is not 200");
        }

        if (response.Body.LongLength > options.MaxEntryBytes)
        {
            return NotStorable("response larger than Cache:MaxEntryBytes");
        }

        var cacheControl = CacheControl.Parse(HeaderList.Get(response.Headers, "Cache-Control"));
        if (cacheControl.Has("no-store"))
        {
            return NotStorable("Cache-Control: no-store");
        }

        if (cacheControl.Has("private"))
        {
            return NotStorable("Cache-Control: private");
        }

        if (HeaderList.Get(response.Headers, "Vary")?.Split(',', StringSplitOptions.TrimEntries).Contains("*") == true)
        {
            return NotStorable("Vary: *");
        }

        var hasValidator = HeaderList.Get(response.Headers, "ETag") is not null || HeaderList.Get(response.Headers, "Last-Modified") is not null;
        var initialAge = long.TryParse(HeaderList.Get(response.Headers, "Age"), out var ageSeconds) && ageSeconds > 0
            ? TimeSpan.FromSeconds(ageSeconds)
            : TimeSpan.Zero;

        TimeSpan lifetime;
        if (cacheControl.Has("no-cache"))
        {
            // Storable, but every use must be revalidated with the device, which needs the device's own validator.
            if (!hasValidator)
            {
                return NotStorable("Cache-Control: no-cache without ETag or Last-Modified");
            }

            lifetime = TimeSpan.Zero;
        }
        else if ((cacheControl.Seconds("s-maxage") ?? cacheControl.Seconds("max-age")) is { } maxAge)
        {
            lifetime = maxAge;
        }
        else if (HeaderList.Get(response.Headers, "Expires") is { } expires)
        {
            var date = HttpDates.Parse(HeaderList.Get(response.Headers, "Date")) ?? now;
            lifetime = HttpDates.Parse(expires) is { } at && at > date ? at - date : TimeSpan.Zero;
        }
        else
        {
            lifetime = options.DefaultTtl;
        }

        lifetime = (lifetime > options.MaxTtl ? options.MaxTtl : lifetime) - initialAge;
        if (lifetime <= TimeSpan.Zero && !hasValidator)
        {
            return NotStorable("already stale and no validator to revalidate it");
        }

        return new ResponseCachePolicy(true, lifetime < TimeSpan.Zero ? TimeSpan.Zero : lifetime, initialAge, "storable");
    }

    private static ResponseCachePolicy NotStorable(string reason) => new(false, TimeSpan.Zero, TimeSpan.Zero, reason);
}

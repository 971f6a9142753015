using Microsoft.Extensions.Time.Testing;
using OrleansRelay.Edge.Relaying;
using OrleansRelay.Edge.Caching;
using static OrleansRelay.Tests.Edge.Caching.FakeDevice;

namespace OrleansRelay.Tests.Edge.Caching;

public sealed class CachingRelayTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeDevice _device = new();
    private CachingRelay _relay;

    public CachingRelayTests()
    {
        _relay = new CachingRelay(new CacheOptions(), _time, metrics: null);
    }

    private Task<RelayResponse> Send(RelayRequest request) => _relay.RelayAsync(request, _device.ForwardAsync);

    private Task<RelayResponse> Get(string target, params KeyValuePair<string, string>[] headers) => Send(Request("GET", target, headers));

    private static KeyValuePair<string, string> H(string name, string value) => new(name, value);

    private static string? Header(RelayResponse r, string name) => r.Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    [Fact]
    public async Task Get_HitAfterMiss_DeviceSeesOneRequest()
    {
        var first = await Get("/zones");
        _time.Advance(TimeSpan.FromSeconds(3));
        var second = await Get("/zones");

        Assert.Single(_device.Received);
        Assert.Equal("MISS", Header(first, "X-Cache"));
        Assert.Equal("HIT", Header(second, "X-Cache"));
        Assert.Equal("3", Header(second, "Age"));
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(Header(first, "ETag"), Header(second, "ETag"));
    }

    [Fact]
    public async Task Get_QueryOrder_DoesNotMatter()
    {
        await Get("/zones?b=2&a=1");
        var hit = await Get("/zones?a=1&b=2");

        Assert.Equal("HIT", Header(hit, "X-Cache"));
        Assert.Single(_device.Received);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task Write_InvalidatesTheUriAndItsParent(string method)
    {
        await Get("/zones/1");
        await Get("/zones");
        await Get("/zones/2");

        var write = await Send(Request(method, "/zones/1"));
        var zone1 = await Get("/zones/1");
        var zones = await Get("/zones");
        var zone2 = await Get("/zones/2");

        Assert.Equal("BYPASS", Header(write, "X-Cache"));
        Assert.Equal("MISS", Header(zone1, "X-Cache"));
        Assert.Equal("MISS", Header(zones, "X-Cache"));
        Assert.Equal("HIT", Header(zone2, "X-Cache"));
        Assert.Equal(6, _device.Received.Count);
    }

    [Fact]
    public async Task Write_LeavesTheGrandparentCached()
    {
        await Get("/zones");
        await Get("/zones/1");

        await Send(Request("POST", "/zones/1/water"));

        Assert.Equal("HIT", Header(await Get("/zones"), "X-Cache"));
        Assert.Equal("MISS", Header(await Get("/zones/1"), "X-Cache"));
    }

    [Fact]
    public async Task DefaultTtl_ExpiresOnTheClock()
    {
        await Get("/zones");
        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal("HIT", Header(await Get("/zones"), "X-Cache"));
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal("MISS", Header(await Get("/zones"), "X-Cache"));
        Assert.Equal(2, _device.Received.Count);
    }

    [Fact]
    public async Task DeviceMaxAge_IsHonoured_AndCappedByMaxTtl()
    {
        _relay = new CachingRelay(new CacheOptions { MaxTtl = TimeSpan.FromSeconds(100) }, _time, null);
        _device.Respond = r => r.PathAndQuery == "/long"
            ? Ok("{}", H("Cache-Control", "max-age=100000"))
            : Ok("{}", H("Cache-Control", "public, max-age=60"));

        await Get("/short");
        await Get("/long");
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("HIT", Header(await Get("/short"), "X-Cache"));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("MISS", Header(await Get("/short"), "X-Cache"));
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal("MISS", Header(await Get("/long"), "X-Cache"));
    }

    [Fact]
    public async Task Expires_IsHonoured()
    {
        var date = _time.GetUtcNow();
        _device.Respond = _ => Ok("{}", H("Date", date.ToString("r")), H("Expires", date.AddSeconds(30).ToString("r")));

        await Get("/zones");
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal("HIT", Header(await Get("/zones"), "X-Cache"));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("MISS", Header(await Get("/zones"), "X-Cache"));
    }

    [Theory]
    [InlineData("no-store")]
    [InlineData("private, max-age=60")]
    [InlineData("no-cache")]
    public async Task UncacheableResponses_AreNeverServedFromTheCache(string cacheControl)
    {
        _device.Respond = _ => Ok("{}", H("Cache-Control", cacheControl));

        await Get("/zones");
        var second = await Get("/zones");

        Assert.Equal("MISS", Header(second, "X-Cache"));
        Assert.Equal(2, _device.Received.Count);
        Assert.Equal(0, _relay.Cache.Count);
    }

    [Fact]
    public async Task NoCacheWithETag_IsRevalidatedWithTheDeviceEachTime()
    {
        _device.Respond = r => r.Headers.Any(h => h.Key == "If-None-Match" && h.Value == "\"v1\"")
            ? new RelayResponse(304, "Not Modified", [H("ETag", "\"v1\"")], [], RelayError.None, null)
            : Ok("{\"v\":1}", H("Cache-Control", "no-cache"), H("ETag", "\"v1\""));

        var first = await Get("/zones");
        var second = await Get("/zones");

        Assert.Equal(2, _device.Received.Count);
        Assert.Contains(_device.Received[1].Headers, h => h.Key == "If-None-Match" && h.Value == "\"v1\"");
        Assert.Equal("HIT", Header(second, "X-Cache"));
        Assert.Equal(200, second.Status);
        Assert.Equal(first.Body, second.Body);
    }

    [Fact]
    public async Task StaleEntryWithValidator_ChangedOnTheDevice_IsReplacedInOneRequest()
    {
        var version = 1;
        _device.Respond = r => r.Headers.Any(h => h.Key == "If-None-Match" && h.Value == $"\"v{version}\"")
            ? new RelayResponse(304, "Not Modified", [], [], RelayError.None, null)
            : Ok($"{{\"v\":{version}}}", H("Cache-Control", "max-age=10"), H("ETag", $"\"v{version}\""));
        await Get("/zones");
        _time.Advance(TimeSpan.FromSeconds(11));
        version = 2;

        var changed = await Get("/zones");
        var again = await Get("/zones");

        Assert.Equal("{\"v\":2}", System.Text.Encoding.UTF8.GetString(changed.Body));
        Assert.Equal("MISS", Header(changed, "X-Cache"));
        Assert.Equal("HIT", Header(again, "X-Cache"));
        Assert.Equal(2, _device.Received.Count);
    }

    [Fact]
    public async Task ClientNoCache_IsNeverCoalescedWithAnotherRequest()
    {
        _device.Gate = new TaskCompletionSource();

        var first = Get("/zones");
        var bypass = Get("/zones", H("Cache-Control", "no-cache"));
        _device.Gate.SetResult();
        await Task.WhenAll(first, bypass);

        Assert.Equal(2, _device.Received.Count);
        Assert.Equal("BYPASS", Header(await bypass, "X-Cache"));
    }

    [Fact]
    public async Task Variants_AreSeparatedByAcceptAndDeviceToken()
    {
        _device.Respond = r => Ok($"{{\"for\":\"{r.Headers.FirstOrDefault(h => h.Key == "X-Device-Authorization").Value}{r.Headers.FirstOrDefault(h => h.Key == "Accept").Value}\"}}");

        var alice = await Get("/me", H("X-Device-Authorization", "Bearer alice"));
        var bob = await Get("/me", H("X-Device-Authorization", "Bearer bob"));
        var aliceAgain = await Get("/me", H("X-Device-Authorization", "Bearer alice"));
        var xml = await Get("/me", H("X-Device-Authorization", "Bearer alice"), H("Accept", "application/xml"));

        Assert.Equal("MISS", Header(bob, "X-Cache"));
        Assert.NotEqual(alice.Body, bob.Body);
        Assert.Equal("HIT", Header(aliceAgain, "X-Cache"));
        Assert.Equal(alice.Body, aliceAgain.Body);
        Assert.Equal("MISS", Header(xml, "X-Cache"));
        Assert.Equal(3, _device.Received.Count);
        Assert.DoesNotContain(_relay.Cache.Snapshot(), e => e.Selecting.Values.Any(v => v.Contains("alice", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task DeviceVary_AddsSelectingHeaders_AndVaryStarIsNotStored()
    {
        _device.Respond = r => r.PathAndQuery == "/star"
            ? Ok("{}", H("Vary", "*"))
            : Ok($"{{\"lang\":\"{r.Headers.FirstOrDefault(h => h.Key == "Accept-Language").Value}\"}}", H("Vary", "Accept-Language"));

        await Get("/greeting", H("Accept-Language", "de"));
        var english = await Get("/greeting", H("Accept-Language", "en"));
        var german = await Get("/greeting", H("Accept-Language", "de"));
        await Get("/star");

        Assert.Equal("MISS", Header(english, "X-Cache"));
        Assert.Equal("HIT", Header(german, "X-Cache"));
        Assert.Equal("MISS", Header(await Get("/star"), "X-Cache"));
    }

    [Fact]
    public async Task ByteBudget_EvictsTheLeastRecentlyUsed()
    {
        _relay = new CachingRelay(new CacheOptions { MaxBytesPerDevice = 3000, MaxEntryBytes = 2000 }, _time, null);
        _device.Respond = _ => Ok(new string('x', 800));

        await Get("/a");
        await Get("/b");
        await Get("/c");
        await Get("/a");
        await Get("/d");

        Assert.Equal("HIT", Header(await Get("/a"), "X-Cache"));
        Assert.Equal("MISS", Header(await Get("/b"), "X-Cache"));
        Assert.True(_relay.Cache.Bytes <= 3000, $"{_relay.Cache.Bytes} bytes held");
        Assert.True(_relay.Cache.Evictions >= 1);
    }

    [Fact]
    public async Task LargeResponse_IsRelayedButNotCached()
    {
        _relay = new CachingRelay(new CacheOptions { MaxEntryBytes = 1000 }, _time, null);
        _device.Respond = _ => Ok(new string('x', 1001));

        var first = await Get("/big");
        var second = await Get("/big");

        Assert.Equal(1001, first.Body.Length);
        Assert.Equal("MISS", Header(second, "X-Cache"));
        Assert.Equal(2, _device.Received.Count);
    }

    [Fact]
    public async Task IfNoneMatch_WithTheCurrentETag_Is304WithoutBody()
    {
        var first = await Get("/zones");
        var etag = Header(first, "ETag")!;

        var revalidated = await Get("/zones", H("If-None-Match", etag));
        var stale = await Get("/zones", H("If-None-Match", "\"something-else\""));

        Assert.Matches("^\"[A-Za-z0-9_-]{22}\"$", etag);
        Assert.Equal(304, revalidated.Status);
        Assert.Empty(revalidated.Body);
        Assert.Equal(etag, Header(revalidated, "ETag"));
        Assert.Equal(200, stale.Status);
        Assert.Single(_device.Received);
    }

    [Fact]
    public async Task IfNoneMatch_OnAMiss_IsAnsweredFromTheFreshEntry_AndNotForwarded()
    {
        var etag = Header(await Get("/zones"), "ETag")!;
        _relay = new CachingRelay(new CacheOptions(), _time, null);

        var response = await Get("/zones", H("If-None-Match", etag));

        Assert.Equal(304, response.Status);
        Assert.DoesNotContain(_device.Received[1].Headers, h => h.Key == "If-None-Match");
    }

    [Fact]
    public async Task IfModifiedSince_UsesTheDevicesLastModified()
    {
        var modified = _time.GetUtcNow().AddHours(-1);
        _device.Respond = _ => Ok("{}", H("Last-Modified", modified.ToString("r")));
        await Get("/zones");

        var notModified = await Get("/zones", H("If-Modified-Since", modified.ToString("r")));
        var modifiedSince = await Get("/zones", H("If-Modified-Since", modified.AddMinutes(-1).ToString("r")));

        Assert.Equal(304, notModified.Status);
        Assert.Equal(200, modifiedSince.Status);
    }

    [Fact]
    public async Task IfMatch_StaleCopy_Is412WithoutReachingTheDevice()
    {
        var etag = Header(await Get("/zones/1"), "ETag")!;

        var stale = await Send(Request("PUT", "/zones/1", new KeyValuePair<string, string>("If-Match", "\"old\"")));
        var current = await Send(Request("PUT", "/zones/1", new KeyValuePair<string, string>("If-Match", etag)));

        Assert.Equal(412, stale.Status);
        Assert.Equal(etag, Header(stale, "ETag"));
        Assert.Contains("\"error\":412", System.Text.Encoding.UTF8.GetString(stale.Body), StringComparison.Ordinal);
        Assert.Equal(200, current.Status);
        Assert.Equal(["GET", "PUT"], _device.Received.Select(r => r.Method));
    }

    [Fact]
    public async Task IfUnmodifiedSince_OlderThanTheCachedCopy_Is412()
    {
        var modified = _time.GetUtcNow().AddMinutes(-5);
        _device.Respond = _ => Ok("{}", H("Last-Modified", modified.ToString("r")));
        await Get("/zones/1");

        var response = await Send(Request("PATCH", "/zones/1", new KeyValuePair<string, string>("If-Unmodified-Since", modified.AddMinutes(-1).ToString("r"))));

        Assert.Equal(412, response.Status);
    }

    [Fact]
    public async Task ConcurrentMisses_AreCoalescedIntoOneDeviceRequest()
    {
        _device.Gate = new TaskCompletionSource();

        var responses = Enumerable.Range(0, 100).Select(_ => Get("/zones")).ToArray();
        Assert.Single(_device.Received);
        _device.Gate.SetResult();
        var all = await Task.WhenAll(responses);

        Assert.Single(_device.Received);
        Assert.All(all, r => Assert.Equal("{\"zones\":6}", System.Text.Encoding.UTF8.GetString(r.Body)));
        Assert.Equal("HIT", Header(await Get("/zones"), "X-Cache"));
    }

    [Fact]
    public async Task ConcurrentMisses_WithDifferentDeviceTokens_AreNotCoalesced()
    {
        _device.Gate = new TaskCompletionSource();

        var alice = Get("/me", H("X-Device-Authorization", "a"));
        var bob = Get("/me", H("X-Device-Authorization", "b"));
        _device.Gate.SetResult();
        await Task.WhenAll(alice, bob);

        Assert.Equal(2, _device.Received.Count);
    }

    [Fact]
    public async Task DeviceInvalidation_DropsThePathAndItsParent_StarDropsAll()
    {
        await Get("/zones");
        await Get("/zones/1");
        await Get("/programs");

        Assert.Equal(2, _relay.Invalidate(["/zones/1"]));
        Assert.Equal("MISS", Header(await Get("/zones"), "X-Cache"));
        Assert.Equal("HIT", Header(await Get("/programs"), "X-Cache"));
        _relay.Invalidate(["*"]);
        Assert.Equal(0, _relay.Cache.Count);
    }

    [Fact]
    public async Task InvalidationDuringAFetch_KeepsTheOlderResponseOutOfTheCache()
    {
        _device.Gate = new TaskCompletionSource();
        var inFlight = Get("/zones");

        _relay.Invalidate(["/zones"]);
        _device.Gate.SetResult();
        await inFlight;

        Assert.Equal(0, _relay.Cache.Count);
    }

    [Fact]
    public async Task ClientNoCache_Bypasses_HeadBypasses_ErrorsAreNotCached()
    {
        await Get("/zones");
        var bypass = await Get("/zones", H("Cache-Control", "no-cache"));
        var head = await Send(Request("HEAD", "/zones"));
        _device.Respond = _ => RelayResponse.Failure(RelayError.DeviceOffline, "offline");
        var offline = await Get("/other");

        Assert.Equal("BYPASS", Header(bypass, "X-Cache"));
        Assert.Equal("BYPASS", Header(head, "X-Cache"));
        Assert.Equal(RelayError.DeviceOffline, offline.Error);
        Assert.Equal(4, _device.Received.Count);
    }

    [Fact]
    public async Task ClientNoStore_IsRelayedButNothingIsStored()
    {
        var response = await Get("/zones", H("Cache-Control", "no-store"));

        Assert.Equal("BYPASS", Header(response, "X-Cache"));
        Assert.Equal(0, _relay.Cache.Count);
        Assert.Equal("MISS", Header(await Get("/zones"), "X-Cache"));
    }

    [Fact]
    public async Task Disabled_BypassesEverything()
    {
        _relay = new CachingRelay(new CacheOptions { Enabled = false }, _time, null);

        await Get("/zones");
        var second = await Get("/zones");

        Assert.Equal("BYPASS", Header(second, "X-Cache"));
        Assert.Equal(2, _device.Received.Count);
    }
}

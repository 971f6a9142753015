using System.Security.Claims;
using Microsoft.Extensions.Time.Testing;
using OrleansRelay.Edge.Accounts;

namespace OrleansRelay.Tests.Edge.Accounts;

public sealed class CredentialCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly CredentialCache _cache;

    public CredentialCacheTests()
    {
        _cache = new CredentialCache(_time);
    }

    private static ClaimsPrincipal User(string email) => new(new ClaimsIdentity([new Claim(RelayClaims.Email, email)], RelayClaims.Scheme));

    [Fact]
    public void CheckedToken_IsFound_UntilItsExpiry_OrTheMaxAge_WhicheverComesFirst()
    {
        var alice = User("alice@example.com");
        _cache.Add("short", "alice@example.com", alice, _time.GetUtcNow() + TimeSpan.FromSeconds(5), _cache.Mark());
        _cache.Add("long", "alice@example.com", alice, _time.GetUtcNow() + TimeSpan.FromHours(1), _cache.Mark());
        Assert.Same(alice, _cache.Find("short"));
        Assert.Null(_cache.Find("unknown"));

        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(_cache.Find("short"));
        Assert.Same(alice, _cache.Find("long"));

        _time.Advance(CredentialCache.MaxAge);
        Assert.Null(_cache.Find("long"));
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void Revoke_DropsOnlyThatUsersTokens_AndNullDropsEveryone()
    {
        var expires = _time.GetUtcNow() + TimeSpan.FromHours(1);
        _cache.Add("a1", "alice@example.com", User("alice@example.com"), expires, _cache.Mark());
        _cache.Add("a2", "alice@example.com", User("alice@example.com"), expires, _cache.Mark());
        _cache.Add("b1", "bob@example.com", User("bob@example.com"), expires, _cache.Mark());

        _cache.Revoke("alice@example.com");
        Assert.Null(_cache.Find("a1"));
        Assert.Null(_cache.Find("a2"));
        Assert.NotNull(_cache.Find("b1"));

        _cache.Revoke(null);
        Assert.Null(_cache.Find("b1"));
    }

    [Fact]
    public void TokenCheckedBeforeARevocation_IsNotRemembered_WhenTheRevocationArrivedDuringTheCheck()
    {
        // The full check read the account before the revocation; its result may be stale and must not be kept.
        var mark = _cache.Mark();
        _cache.Revoke("alice@example.com");
        _cache.Add("a1", "alice@example.com", User("alice@example.com"), _time.GetUtcNow() + TimeSpan.FromHours(1), mark);
        Assert.Null(_cache.Find("a1"));

        // A revocation of someone else also voids the mark: the token is simply checked in full again.
        var next = _cache.Mark();
        _cache.Add("a1", "alice@example.com", User("alice@example.com"), _time.GetUtcNow() + TimeSpan.FromHours(1), next);
        Assert.NotNull(_cache.Find("a1"));
    }
}

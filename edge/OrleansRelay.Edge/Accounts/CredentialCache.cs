using System.Collections.Concurrent;
using System.Security.Claims;

namespace OrleansRelay.Edge.Accounts;

/// <summary>
/// Bearer tokens this edge has already checked in full (signature, expiry, and against the account or grant grain),
/// with the principal they made: a relayed request with a known token costs a dictionary lookup instead of a JWT
/// validation and one to three grain calls. Revocation is pushed: the account and grant grains tell every live edge
/// (<see cref="Revoke"/>) and wait for the answer, so a signed-out token, a changed password or a revoked grant stops
/// working everywhere before the revoking call returns. As a backstop for an edge that was cut off from the cluster,
/// entries live at most <see cref="MaxAge"/> and the cache is cleared when the edge's cluster connection changes.
/// </summary>
internal sealed class CredentialCache
{
    /// <summary>How long an entry is trusted without asking the grains again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>Past this many entries the cache starts over (each token is checked in full again on next use).</summary>
    public const int Capacity = 50_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _revocations;

    public CredentialCache(TimeProvider time)
    {
        _time = time;
    }

    public int Count => _entries.Count;

    /// <summary>The principal of a token checked recently, or null (unknown or expired: check it in full).</summary>
    public ClaimsPrincipal? Find(string token)
    {
        if (!_entries.TryGetValue(token, out var entry))
        {
            return null;
        }

        if (entry.ValidUntil > _time.GetUtcNow())
        {
            return entry.Principal;
        }

        _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        return null;
    }

    /// <summary>A mark to pass to <see cref="Add"/>: taken before the token's full check began.</summary>
    public long Mark() => Interlocked.Read(ref _revocations);

    /// <summary>
    /// Remembers a token that passed its full check, unless a revocation arrived since <paramref name="mark"/> (the
    /// check may have read the account before it): then the token is simply checked in full next time.
    /// </summary>
    public void Add(string token, string email, ClaimsPrincipal principal, DateTimeOffset expires, long mark)
    {
        if (_entries.Count >= Capacity)
        {
            _entries.Clear();
        }

        var validUntil = _time.GetUtcNow() + MaxAge;
        var entry = new Entry(email, principal, expires < validUntil ? expires : validUntil);
        _entries[token] = entry;
        if (Interlocked.Read(ref _revocations) != mark)
        {
            // A revocation ran meanwhile: its sweep may have missed this entry.
            _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        }
    }

    /// <summary>Drops every entry of <paramref name="email"/>, or every entry when null.</summary>
    public void Revoke(string? email)
    {
        Interlocked.Increment(ref _revocations);
        if (email is null)
        {
            _entries.Clear();
            return;
        }

        foreach (var (token, entry) in _entries)
        {
            if (string.Equals(entry.Email, email, StringComparison.Ordinal))
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(token, entry));
            }
        }
    }

    private sealed record Entry(string Email, ClaimsPrincipal Principal, DateTimeOffset ValidUntil);
}

using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Accounts;
using OrleansRelay.Edge.Diagnostics;

namespace OrleansRelay.Edge.RateLimits;

/// <summary>
/// The per-user and per-device limits of relayed requests. Applied after device access was granted (in
/// <see cref="Http.RelayEndpoint"/>), so a stranger's requests can never use up a device's budget. Operators are
/// never limited.
/// </summary>
internal sealed class RelayRateLimits : IDisposable
{
    private readonly bool _enabled;
    private readonly PartitionedRateLimiter<string> _users;
    private readonly PartitionedRateLimiter<string> _devices;

    public RelayRateLimits(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _enabled = limits.Enabled;
        _users = TokenBuckets.Create<string>(email => email, limits.UserPermitsPerSecond, limits.UserBurst);
        _devices = TokenBuckets.Create<string>(deviceId => deviceId, limits.DevicePermitsPerSecond, limits.DeviceBurst);
    }

    /// <summary>
    /// Takes one permit for a request of <paramref name="user"/> to <paramref name="deviceId"/>; when refused, the
    /// limit that refused it (a <see cref="Limits"/> name) and how long to wait.
    /// </summary>
    public bool TryAcquire(ClaimsPrincipal user, string deviceId, out string limit, out TimeSpan? retryAfter)
    {
        limit = string.Empty;
        retryAfter = null;
        if (!_enabled || DeviceAccess.IsOperator(user))
        {
            return true;
        }

        if (user.FindFirst(RelayClaims.Email)?.Value is { } email && !Acquire(_users, email, out retryAfter))
        {
            limit = Limits.RateUser;
            return false;
        }

        if (!Acquire(_devices, deviceId, out retryAfter))
        {
            limit = Limits.RateDevice;
            return false;
        }

        return true;
    }

    private static bool Acquire(PartitionedRateLimiter<string> limiter, string key, out TimeSpan? retryAfter)
    {
        using var lease = limiter.AttemptAcquire(key);
        retryAfter = !lease.IsAcquired && lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
        return lease.IsAcquired;
    }

    public void Dispose()
    {
        _users.Dispose();
        _devices.Dispose();
    }
}

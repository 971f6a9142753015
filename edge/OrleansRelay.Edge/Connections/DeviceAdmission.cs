using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Admission control for new device connections: a token bucket refilled at <see cref="EdgeOptions.AdmissionRatePerSecond"/>.
/// A refused connection is told how long to wait, spread over a few seconds so the refused devices do not return together.
/// </summary>
internal sealed class DeviceAdmission : IDisposable
{
    private readonly TokenBucketRateLimiter _bucket;
    private readonly int _spreadSeconds;

    public DeviceAdmission(IOptions<EdgeOptions> options)
    {
        var edge = options.Value;
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = edge.AdmissionBurst,
            TokensPerPeriod = Math.Max(1, edge.AdmissionRatePerSecond / 10),
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

        // Long enough for a full bucket's worth of refused devices to come back at the admission rate.
        _spreadSeconds = Math.Clamp(edge.AdmissionBurst / edge.AdmissionRatePerSecond, 2, 30);
    }

    /// <summary>Whether a new connection may proceed; when not, the seconds the device should wait.</summary>
    public bool TryAdmit(out int retryAfterSeconds)
    {
        using var lease = _bucket.AttemptAcquire();
        retryAfterSeconds = lease.IsAcquired ? 0 : 1 + Random.Shared.Next(_spreadSeconds);
        return lease.IsAcquired;
    }

    public void Dispose() => _bucket.Dispose();
}

using System.Threading.RateLimiting;

namespace OrleansRelay.Edge.RateLimits;

/// <summary>Token buckets per partition key (a user, a device, an address), refilled once a second, idle ones dropped.</summary>
internal static class TokenBuckets
{
    /// <summary>A partitioned limiter of <paramref name="perSecond"/> permits a second and <paramref name="burst"/> at once; no limit when the rate is 0.</summary>
    public static PartitionedRateLimiter<TResource> Create<TResource>(Func<TResource, string?> key, int perSecond, int burst) =>
        PartitionedRateLimiter.Create<TResource, string>(resource => key(resource) is { } partition && perSecond > 0
            ? RateLimitPartition.GetTokenBucketLimiter(partition, _ => Options(perSecond, burst))
            : RateLimitPartition.GetNoLimiter(string.Empty));

    private static TokenBucketRateLimiterOptions Options(int perSecond, int burst) => new()
    {
        TokenLimit = Math.Max(burst, perSecond),
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        // The partitioned limiter replenishes its partitions itself: no timer per partition.
        AutoReplenishment = false,
    };
}

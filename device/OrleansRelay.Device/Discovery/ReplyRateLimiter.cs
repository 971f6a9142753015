using System.Diagnostics;
using System.Net;

namespace OrleansRelay.Device.Discovery;

/// <summary>
/// How many discovery replies each sender address may get: a bucket of <see cref="DiscoveryOptions.RepliesPerSender"/>
/// replies per address, refilled by one every <see cref="DiscoveryOptions.ReplyRefillInterval"/>. A reply is larger
/// than the smallest probe, and UDP senders can be spoofed, so without it the responder would reflect traffic at
/// whichever address a forged probe names. At most <see cref="MaxTrackedSenders"/> addresses are tracked; when that
/// many are mid-bucket, new senders are refused until buckets refill.
/// </summary>
internal sealed class ReplyRateLimiter
{
    /// <summary>The most sender addresses remembered at once.</summary>
    public const int MaxTrackedSenders = 1024;

    private readonly Dictionary<IPAddress, Bucket> _buckets = [];
    private readonly int _capacity;
    private readonly long _refillTicks;

    public ReplyRateLimiter(int repliesPerSender, TimeSpan refillInterval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repliesPerSender, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(refillInterval, TimeSpan.Zero);
        _capacity = repliesPerSender;
        _refillTicks = Math.Max(1, (long)(refillInterval.TotalSeconds * Stopwatch.Frequency));
    }

    /// <summary>Whether <paramref name="sender"/> may get a reply now (and, if so, uses one up).</summary>
    public bool TryTake(IPAddress sender)
    {
        var now = Stopwatch.GetTimestamp();
        if (!_buckets.TryGetValue(sender, out var bucket))
        {
            if (_buckets.Count >= MaxTrackedSenders && !ForgetFullBuckets(now))
            {
                return false;
            }

            bucket = new Bucket(_capacity, now);
        }

        bucket = bucket.Refilled(now, _capacity, _refillTicks);
        if (bucket.Tokens == 0)
        {
            _buckets[sender] = bucket;
            return false;
        }

        _buckets[sender] = bucket with { Tokens = bucket.Tokens - 1 };
        return true;
    }

    /// <summary>Drops the senders whose bucket has refilled completely (they are as good as new); true when any was dropped.</summary>
    private bool ForgetFullBuckets(long now)
    {
        var full = _buckets.Where(b => b.Value.Refilled(now, _capacity, _refillTicks).Tokens == _capacity).Select(b => b.Key).ToList();
        full.ForEach(sender => _buckets.Remove(sender));
        return full.Count > 0;
    }

    private readonly record struct Bucket(int Tokens, long Since)
    {
        /// <summary>The bucket with the replies earned since <see cref="Since"/> added (whole intervals only).</summary>
        public Bucket Refilled(long now, int capacity, long refillTicks)
        {
            var earned = (now - Since) / refillTicks;
            return earned == 0 ? this : new Bucket((int)Math.Min(capacity, Tokens + earned), Tokens + earned >= capacity ? now : Since + (earned * refillTicks));
        }
    }
}

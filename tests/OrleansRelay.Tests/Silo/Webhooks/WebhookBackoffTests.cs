using OrleansRelay.Silo.Webhooks;

namespace OrleansRelay.Tests.Silo.Webhooks;

/// <summary>Retry waits: exponential, jittered between half and all of the step, capped.</summary>
public sealed class WebhookBackoffTests
{
    [Fact]
    public void Backoff_DoublesPerAttempt_WithJitterInTheUpperHalf_CappedAtMaxBackoff()
    {
        var options = new WebhookOptions { InitialBackoff = TimeSpan.FromSeconds(5), MaxBackoff = TimeSpan.FromHours(1) };
        for (var attempt = 1; attempt <= 40; attempt++)
        {
            var ceiling = Math.Min(TimeSpan.FromHours(1).TotalMilliseconds, 5000 * Math.Pow(2, attempt - 1));
            var waits = Enumerable.Range(0, 200).Select(_ => WebhookDeliveryGrain.Backoff(attempt, options).TotalMilliseconds).ToArray();
            Assert.All(waits, w => Assert.InRange(w, ceiling / 2, ceiling));
            Assert.True(waits.Distinct().Count() > 1, $"attempt {attempt}: no jitter");
        }
    }
}

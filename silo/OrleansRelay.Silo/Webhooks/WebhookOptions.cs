namespace OrleansRelay.Silo.Webhooks;

/// <summary>Webhook delivery. Bound from the <c>Webhooks</c> configuration section.</summary>
public sealed class WebhookOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>
    /// Allow endpoints on loopback, link-local, private (RFC 1918, unique-local, CGNAT) and unspecified addresses.
    /// Off by default: a webhook URL must not reach into the operator's own network (SSRF).
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Wait before the first retry; doubled per failed attempt, with jitter (between half and all of it).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long after an event was recorded its delivery is retried before it is dead-lettered.</summary>
    public TimeSpan MaxRetryDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Bound on one attempt (connect, send, response head).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Bound on connecting to the endpoint.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Most webhooks per device or account.</summary>
    public int MaxWebhooksPerScope { get; set; } = 20;

    /// <summary>Dead-lettered deliveries kept per webhook (the oldest are dropped).</summary>
    public int DeadLetterCapacity { get; set; } = 100;
}

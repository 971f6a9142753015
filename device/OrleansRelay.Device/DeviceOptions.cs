using OrleansRelay.Device.Tls;

namespace OrleansRelay.Device;

/// <summary>What the daemon needs to run; filled from the command line.</summary>
public sealed record DeviceOptions
{
    /// <summary>Edge device endpoints (<c>host:port</c>); shuffled and tried in turn.</summary>
    public required IReadOnlyList<ServerAddress> Servers { get; init; }

    /// <summary>The device id it was provisioned with.</summary>
    public required string DeviceId { get; init; }

    /// <summary>The device secret issued at provisioning.</summary>
    public required string Secret { get; init; }

    /// <summary>Base URL of the device's own REST service (unused when the application answers in-process).</summary>
    public Uri LocalService { get; init; } = new("http://127.0.0.1:8080");

    /// <summary>Path of the device info document on the local service.</summary>
    public string InfoPath { get; init; } = "/device";

    /// <summary>Most relayed requests sent to the local service at once; more wait their turn.</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>Most notifications held until the relay acknowledges them; beyond that new ones are refused.</summary>
    public int MaxPendingNotifications { get; init; } = 10_000;

    /// <summary>Default of <see cref="OutboxMaxBytes"/>: 16 MiB.</summary>
    public const long DefaultOutboxMaxBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Directory of the notification outbox on disk (append-only segments, fsync'd before a notification counts as
    /// accepted, replayed after a restart); null keeps it in memory only, as a .NET application may choose.
    /// </summary>
    public string? OutboxDirectory { get; init; }

    /// <summary>Most bytes the outbox's files may take; beyond that new notifications are refused.</summary>
    public long OutboxMaxBytes { get; init; } = DefaultOutboxMaxBytes;

    /// <summary>How long one request to the local service may take before the daemon answers 504.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a TCP connection and the handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest reconnect delay.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>TLS to the edge; plain TCP when null (for deployments that terminate TLS at a load balancer).</summary>
    public EdgeTlsOptions? Tls { get; init; }
}

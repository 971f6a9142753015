using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Hosting;

/// <summary>Edge settings, bound from the <c>Edge</c> configuration section (environment: <c>Edge__HttpPort</c> etc.).</summary>
public sealed record EdgeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Edge";

    /// <summary>Address both listeners bind to.</summary>
    public string BindAddress { get; init; } = "0.0.0.0";

    /// <summary>Client API port (HTTP/1.1 and HTTP/2). 0 picks a free port.</summary>
    public int HttpPort { get; init; } = 5080;

    /// <summary>Device TCP port. 0 picks a free port.</summary>
    public int DevicePort { get; init; } = 5070;

    /// <summary>Operator key for provisioning and, until accounts exist, the relay. Sent in the <c>X-Admin-Key</c> header.</summary>
    public string? AdminKey { get; init; }

    /// <summary>
    /// Factory key: lets a factory station register new devices at <c>POST /v1/factory/devices</c> (header
    /// <c>X-Factory-Key</c>) without the operator key; it can neither rotate, read nor delete. Unset: no factory endpoint.
    /// </summary>
    public string? FactoryKey { get; init; }

    /// <summary>TLS on the device port; plain TCP when unset.</summary>
    public DeviceTlsOptions? DeviceTls { get; init; }

    /// <summary>This edge's id in logs and device status; defaults to host name plus a random suffix.</summary>
    public string? EdgeId { get; init; }

    /// <summary>
    /// Kestrel's socket buffers in 32 KiB blocks (<see cref="LargeBlockMemoryPool"/>) instead of 4 KiB: a device
    /// streaming a body into its link is received in 32 KiB reads instead of 4 KiB ones. Idle connections hold no
    /// buffer either way. False restores Kestrel's own pool (the benchmark compares both).
    /// </summary>
    public bool LargeTransportBuffers { get; init; } = true;

    /// <summary>How long a relayed request waits for the device's response before answering 504.</summary>
    public TimeSpan DeviceRequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a new device connection has to send its hello.</summary>
    public TimeSpan HelloTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Heartbeat interval; a connection silent for three intervals is closed.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the edge re-announces every socket it holds to the devices' grains.</summary>
    public TimeSpan SessionRefreshInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>On shutdown, how long requests in flight may take to finish before device sockets are closed.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the edge renews its lease in the cluster's edge registry. The lease lasts three intervals; when it
    /// runs out (the edge died), silos answer 503 for its devices within about half a second.
    /// </summary>
    public TimeSpan LeaseInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often re-announcement is retried after a cluster change while any re-announcement fails.</summary>
    public TimeSpan FastRefreshInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// New device connections admitted per second (token bucket). The excess is rejected at once with
    /// <c>unavailable</c> and a retry-after, so a reconnect storm cannot take the edge (or the cluster) down.
    /// </summary>
    public int AdmissionRatePerSecond { get; init; } = 500;

    /// <summary>Connections admitted in a burst above the rate.</summary>
    public int AdmissionBurst { get; init; } = 1000;

    /// <summary>
    /// Connections from one source address that may be in their handshake (connected, not yet authenticated) at
    /// once; the excess is refused at once with <c>unavailable</c> and a retry-after. 0: no limit (load tests from one
    /// address).
    /// </summary>
    public int MaxPendingConnectionsPerAddress { get; init; } = 32;

    /// <summary>
    /// Bytes the edge queues for one device connection beyond what its socket accepted (relayed request heads, body
    /// chunks, control frames). A device that stops reading reaches it and is disconnected; its waiting clients get 503.
    /// Each relayed body keeps at most one chunk queued, so a device reading normally stays far below it.
    /// </summary>
    public long MaxDeviceOutboundBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>How long a device connection may accept no data at all while the edge has frames for it before it is disconnected.</summary>
    public TimeSpan DeviceWriteStallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long one write to an event stream (SSE) may wait for the client to read; a client that stopped reading
    /// is disconnected after it, so its queue of up to 10,000 events is released.
    /// </summary>
    public TimeSpan EventWriteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest frame payload accepted from a device after authentication.</summary>
    public int MaxFramePayload { get; init; } = ProtocolLimits.DefaultMaxFramePayload;

    /// <summary>Largest hello accepted from a not yet authenticated connection.</summary>
    public int MaxHelloPayload { get; init; } = 256 * 1024;

    /// <summary>Body chunk size on device connections.</summary>
    public int ChunkSize { get; init; } = ProtocolLimits.DefaultChunkSize;

    /// <summary>Per-stream flow-control window on device connections.</summary>
    public int StreamWindow { get; init; } = ProtocolLimits.DefaultStreamWindow;

    /// <summary>
    /// Largest request or response body relayed. Bodies stream (no buffer of this size exists): a request over it is
    /// answered 413 (at once when its Content-Length says so), a response over it is cut with a stream reset, the
    /// client's response aborted and a log line. Default 4 GiB.
    /// </summary>
    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>The default of <see cref="MaxBodyBytes"/>.</summary>
    public const long DefaultMaxBodyBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// The data-plane port: other edges forward requests for the devices this edge holds here (HTTP/2 cleartext, or
    /// HTTP/1.1 for upgrades; internal only, authenticated by a key derived from the shared secret). 0 picks a free port.
    /// </summary>
    public int DataPlanePort { get; init; } = 5072;

    /// <summary>
    /// The data-plane port for upgrade requests (WebSocket) between edges, HTTP/1.1: cleartext HTTP/2 and HTTP/1.1
    /// cannot share a Kestrel port. Internal only, same key. 0 picks a free port.
    /// </summary>
    public int DataPlaneUpgradePort { get; init; } = 5073;

    /// <summary>
    /// The address other edges reach this edge's data plane at (<c>http://10.0.0.5:5072</c>). Default: the bind address
    /// (or, when that is 0.0.0.0, this host's first non-loopback IPv4 address) and the bound data-plane port.
    /// </summary>
    public string? DataPlaneAdvertiseUrl { get; init; }

    /// <summary>
    /// How long a request forwarded to another edge may see no bytes in either direction before it is cut. Long-lived
    /// streams (event streams, camera streams) need it long; a dead peer edge is found sooner by HTTP/2 pings.
    /// </summary>
    public TimeSpan DataPlaneIdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The <c>Retry-After</c> seconds sent with 503 when a device is offline.</summary>
    public int OfflineRetryAfterSeconds { get; init; } = 5;

    /// <summary>
    /// Whether a device's <c>Set-Cookie</c> response headers reach the client. Off by default: every device answers on
    /// the edge's own origin, so a device's cookie would be the edge's cookie, sent with every other device's and the
    /// dashboard's requests.
    /// </summary>
    public bool PassDeviceCookies { get; init; }

    /// <summary>
    /// Whether a device's <c>Access-Control-*</c> (CORS) response headers reach the client. Off by default: a device
    /// must not open the edge's origin to other sites' scripts.
    /// </summary>
    public bool PassDeviceCorsHeaders { get; init; }

    /// <summary>
    /// Whether relayed responses carry <c>Content-Security-Policy: sandbox allow-scripts allow-forms allow-popups
    /// allow-downloads</c> (and <c>X-Content-Type-Options: nosniff</c>). On by default: a page a device serves then
    /// runs as an opaque origin, never as the edge's origin, where the dashboard keeps the operator key and user tokens.
    /// </summary>
    public bool SandboxDeviceContent { get; init; } = true;
}

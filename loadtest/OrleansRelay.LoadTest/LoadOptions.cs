using System.Net;
using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Devices;

namespace OrleansRelay.LoadTest;

/// <summary>Everything a load test run is told on its command line.</summary>
internal sealed record LoadOptions
{
    public const int DefaultDevices = 10_000;

    /// <summary>Scenarios to run, in order, against one deployment.</summary>
    public required IReadOnlyList<string> Scenarios { get; init; }

    public int Devices { get; init; } = DefaultDevices;

    /// <summary>Length of each measured load phase.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Unrecorded load before the measured phases.</summary>
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Closed model: concurrent clients.</summary>
    public int Concurrency { get; init; } = 64;

    /// <summary>Open model: requests started per second.</summary>
    public double Rate { get; init; } = 3000;

    public RequestMixOptions Mix { get; init; } = new();

    /// <summary>Client connections per edge (the open model queues beyond them; latency still counts from the schedule).</summary>
    public int MaxConnectionsPerEdge { get; init; } = RelayClient.DefaultMaxConnectionsPerEdge;

    public FleetOptions Fleet { get; init; } = new();

    /// <summary>Notify: notifications sent per second (open model) over all devices, and the subscribers (one device each).</summary>
    public double NotifyRate { get; init; } = 1000;

    public int SseSubscribers { get; init; } = 1000;

    public int SignalRSubscribers { get; init; } = 100;

    /// <summary>Notify: closed-model relay clients running alongside the notifications (0 = none), for faults under mixed load.</summary>
    public int RelayConcurrency { get; init; }

    /// <summary>How long a relayed request may take before the client gives up and counts <c>client-timeout</c>.</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>When set, "&lt;devices online&gt; &lt;devices&gt;" is rewritten there twice a second (for scripts that wait on recovery).</summary>
    public string? StatusFile { get; init; }

    /// <summary>Notify: how long to wait after sending for the last deliveries and acknowledgements.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Connect: how long the devices stay connected and quiet before the idle RSS is read (zero: not read).</summary>
    public TimeSpan IdleWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connect: how long the devices stay connected after the measurement (to take dumps from outside).</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.Zero;

    /// <summary>Soak: connect/disconnect cycles and devices per cycle.</summary>
    public int Cycles { get; init; } = 100;

    public int CycleDevices { get; init; } = 1000;

    /// <summary>Reconnect: kill (SIGKILL) or drain (SIGTERM) the edge.</summary>
    public bool KillEdge { get; init; } = true;

    /// <summary>Local relay: edges to start (reconnect needs two), embedded or separate processes, admission control.</summary>
    public int Edges { get; init; } = 1;

    public bool Embedded { get; init; }

    public int? AdmissionRatePerSecond { get; init; }

    public int? AdmissionBurst { get; init; }

    /// <summary>External relay: edge client URLs and device endpoints (same order), operator key, pids to measure.</summary>
    public IReadOnlyList<Uri> EdgeUrls { get; init; } = [];

    public IReadOnlyList<IPEndPoint> DeviceEndpoints { get; init; } = [];

    public string? AdminKey { get; init; }

    public IReadOnlyList<int> EdgePids { get; init; } = [];

    public IReadOnlyList<int> SiloPids { get; init; } = [];

    /// <summary>Where run folders go.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Spectre live progress and tables (off when output is redirected).</summary>
    public bool Live { get; init; } = true;

    public int Seed { get; init; } = 8;

    public bool IsExternal => EdgeUrls.Count > 0;
}

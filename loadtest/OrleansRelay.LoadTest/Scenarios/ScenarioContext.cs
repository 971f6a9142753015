using System.Diagnostics;
using OrleansRelay.LoadTest.Clients;
using OrleansRelay.LoadTest.Deployment;
using OrleansRelay.LoadTest.Devices;
using OrleansRelay.LoadTest.Measurement;
using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Scenarios;

/// <summary>What a scenario works with: the relay, provisioned devices, clients, the monitor, and its result to fill.</summary>
internal sealed class ScenarioContext
{
    private readonly DevicePool _pool;

    public ScenarioContext(LoadOptions options, IRelayTarget relay, DevicePool pool, RelayClient client, RunMonitor monitor, MemoryProbe memory, ConsoleView view, RunResult result)
    {
        Memory = memory;
        Options = options;
        Relay = relay;
        _pool = pool;
        Client = client;
        Monitor = monitor;
        View = view;
        Result = result;
    }

    public LoadOptions Options { get; }

    public IRelayTarget Relay { get; }

    public RelayClient Client { get; }

    public RunMonitor Monitor { get; }

    /// <summary>The relay's memory: RSS, and heap after a full GC in each process.</summary>
    public MemoryProbe Memory { get; }

    public ConsoleView View { get; }

    public RunResult Result { get; }

    /// <summary>The fleet being measured (the monitor counts its devices online).</summary>
    public DeviceFleet? Fleet { get; private set; }

    public Task<DeviceCredentials[]> DevicesAsync(int count, CancellationToken cancellationToken) => _pool.TakeAsync(count, View, cancellationToken);

    /// <summary>Starts a fleet of <paramref name="devices"/> and waits until all are online; returns the seconds it took.</summary>
    public async Task<(DeviceFleet Fleet, double Seconds, bool AllOnline)> ConnectAsync(IReadOnlyList<DeviceCredentials> devices, string phase, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var fleet = new DeviceFleet([.. Relay.Edges.Select(e => e.Device)], Options.Fleet);
        Fleet = fleet;
        Monitor.Phase = phase;
        var started = Stopwatch.GetTimestamp();
        fleet.Start(devices);
        var online = await View.ProgressAsync(
            $"{phase}: devices online",
            () => fleet.Online,
            devices.Count,
            fleet.WaitOnlineAsync(devices.Count, timeout, cancellationToken));
        return (fleet, Stopwatch.GetElapsedTime(started).TotalSeconds, online);
    }

    /// <summary>Disconnects the fleet (goodbye frames) and waits for its connections to close.</summary>
    public async Task DisconnectAsync(DeviceFleet fleet)
    {
        await fleet.DisposeAsync();
        if (ReferenceEquals(Fleet, fleet))
        {
            Fleet = null;
        }
    }

    /// <summary>Unrecorded load (JIT, caches, connection pools) before the measured phases.</summary>
    public async Task WarmUpAsync(RequestMix mix, CancellationToken cancellationToken)
    {
        if (Options.WarmUp <= TimeSpan.Zero)
        {
            return;
        }

        Monitor.Phase = "warm-up";
        var recorder = new LatencyRecorder();
        Monitor.Attach(recorder);
        await View.WatchAsync("warm-up", Monitor, new LoadDriver(Client).RunClosedAsync(mix, Options.Concurrency, Options.WarmUp, recorder, cancellationToken));
        Monitor.Attach(null);
    }

    /// <summary>A measured phase: closed model with <paramref name="concurrency"/> clients, or open model at <paramref name="rate"/> requests/s.</summary>
    public async Task<PhaseResult> MeasureAsync(string name, RequestMix mix, int? concurrency, double? rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        Monitor.Phase = name;
        var recorder = new LatencyRecorder();
        var driver = new LoadDriver(Client);
        var before = CpuSnapshot.Take(Monitor.Processes);
        Monitor.Attach(recorder);
        using var backlog = new ThreadPoolBacklogSampler();
        var work = concurrency is { } clients
            ? driver.RunClosedAsync(mix, clients, duration, recorder, cancellationToken)
            : driver.RunOpenAsync(mix, rate!.Value, duration, recorder, cancellationToken);
        await View.WatchAsync(name, Monitor, work);
        Monitor.Attach(null);
        var cpu = CpuSnapshot.Take(Monitor.Processes).Since(before);
        var latency = recorder.Total();
        var (lateShare, maxLag) = recorder.DispatchLag();
        var requests = latency.TotalCount;
        var phase = new PhaseResult
        {
            Name = name,
            Model = concurrency is null ? "open" : "closed",
            Concurrency = concurrency ?? 0,
            TargetRate = rate ?? 0,
            Seconds = Math.Round(cpu.Wall.TotalSeconds, 2),
            Requests = requests,
            RequestsPerSecond = Math.Round(requests / cpu.Wall.TotalSeconds, 1),
            Latency = LatencySummary.FromMicroseconds(latency),
            Errors = new Dictionary<string, long>(recorder.Errors),
            CacheHits = recorder.CacheHits,
            CacheMisses = recorder.CacheMisses,
            EdgeCpuMicrosPerRequest = PerRequest(cpu.Edge, requests),
            SiloCpuMicrosPerRequest = PerRequest(cpu.Silo, requests),
            LoadGeneratorCpuPercent = Math.Round(cpu.LoadGeneratorPercentOfMachine, 1),
            MachineBusyPercent = Math.Round(cpu.MachineBusyPercent, 1),
            OtherProcessesCpuPercent = Math.Round(cpu.OthersPercentOfMachine, 1),
            MachineSaturated = cpu.MachineBusyPercent >= 95,
            LateDispatchShare = Math.Round(lateShare, 4),
            MaxDispatchLagMs = Math.Round(maxLag.TotalMilliseconds, 2),
            GeneratorThreadPoolBacklog = Math.Round(backlog.Average, 1),
            LoadGeneratorSaturated = lateShare > 0.01 || backlog.Average > 4 * Environment.ProcessorCount,
        };
        Result.Phases.Add(phase);
        View.Line($"{name}: {phase.RequestsPerSecond:0} req/s, p50 {phase.Latency.P50Ms} ms, p99 {phase.Latency.P99Ms} ms, {phase.ErrorCount} errors, relay CPU {phase.RelayCpuMicrosPerRequest:0.0} µs/request");
        return phase;
    }

    /// <summary>Ids of the fleet's devices that are online now.</summary>
    public static IReadOnlyList<string> OnlineIds(DeviceFleet fleet) => [.. fleet.Devices.Where(d => d.IsOnline).Select(d => d.DeviceId)];

    private static double PerRequest(TimeSpan cpu, long requests) => requests == 0 ? 0 : Math.Round(cpu.TotalMicroseconds / requests, 1);
}

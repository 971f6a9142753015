using HdrHistogram;
using System.Diagnostics;
using OrleansRelay.LoadTest.Reporting;

namespace OrleansRelay.LoadTest.Measurement;

/// <summary>
/// Samples the run once a second into a timeline: the active phase's requests and latency, devices online, and the
/// CPU and RSS of every relay process and of the load generator itself.
/// </summary>
internal sealed class RunMonitor : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<MonitoredProcess> _processes;
    private readonly Func<long> _devicesOnline;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TimelinePoint> _timeline = [];
    private readonly Lock _lock = new();
    private Task _loop = Task.CompletedTask;
    private LatencyRecorder? _load;

    public RunMonitor(IReadOnlyList<MonitoredProcess> processes, Func<long> devicesOnline)
    {
        _processes = processes;
        _devicesOnline = devicesOnline;
    }

    public IReadOnlyList<MonitoredProcess> Processes => _processes;

    /// <summary>The phase the next samples belong to.</summary>
    public string Phase { get; set; } = "setup";

    /// <summary>The latest sample (for the live view).</summary>
    public TimelinePoint? Latest { get; private set; }

    public void Start() => _loop = RunAsync(_stopping.Token);

    /// <summary>Attaches the recorder of the phase being measured (null between phases).</summary>
    public void Attach(LatencyRecorder? load)
    {
        lock (_lock)
        {
            if (_load is not null && load is null)
            {
                _load.TakeInterval();
            }

            _load = load;
        }
    }

    public List<TimelinePoint> Timeline()
    {
        lock (_lock)
        {
            return [.. _timeline];
        }
    }

    /// <summary>Current RSS of the relay's edges and silos in MiB.</summary>
    public (double Edge, double Silo) RelayRssMiB()
    {
        double edge = 0;
        double silo = 0;
        foreach (var process in _processes)
        {
            var rss = (ProcFs.Read(process.Pid)?.RssBytes ?? 0) / 1048576.0;
            if (process.Role == ProcessRole.Edge)
            {
                edge += rss;
            }
            else
            {
                silo += rss;
            }
        }

        return (Math.Round(edge, 1), Math.Round(silo, 1));
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var previous = CpuSnapshot.Take(_processes);
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                CpuSnapshot now;
                try
                {
                    now = CpuSnapshot.Take(_processes);
                }
                catch (IOException)
                {
                    // /proc unreadable this second (e.g. out of file descriptors): skip the sample, keep the run.
                    continue;
                }

                var cpu = now.Since(previous);
                previous = now;
                var (rssEdge, rssSilo) = RelayRssMiB();
                lock (_lock)
                {
                    HistogramBase? latency = null;
                    long errors = 0;
                    if (_load is { } load)
                    {
                        (latency, errors) = load.TakeInterval();
                    }

                    var seconds = cpu.Wall.TotalSeconds;
                    var point = new TimelinePoint(
                        Math.Round(Stopwatch.GetElapsedTime(_started).TotalSeconds, 1),
                        Phase,
                        latency is null ? 0 : Math.Round(latency.TotalCount / seconds, 1),
                        latency is { TotalCount: > 0 } ? latency.GetValueAtPercentile(50) / 1000.0 : 0,
                        latency is { TotalCount: > 0 } ? latency.GetValueAtPercentile(99) / 1000.0 : 0,
                        latency is { TotalCount: > 0 } ? latency.GetMaxValue() / 1000.0 : 0,
                        errors,
                        _devicesOnline(),
                        rssEdge,
                        rssSilo,
                        Math.Max(0, Math.Round(CpuUsage.PercentOfCore(cpu.Edge, cpu.Wall), 1)),
                        Math.Max(0, Math.Round(CpuUsage.PercentOfCore(cpu.Silo, cpu.Wall), 1)),
                        Math.Round(CpuUsage.PercentOfCore(cpu.LoadGenerator, cpu.Wall), 1),
                        Math.Round(cpu.MachineBusyPercent, 1));
                    _timeline.Add(point);
                    Latest = point;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}

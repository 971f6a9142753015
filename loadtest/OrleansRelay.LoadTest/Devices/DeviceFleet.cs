using System.Collections.Concurrent;
using System.Net;
using HdrHistogram;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>
/// The simulated devices of one run and their counters: online now, accepted, rejected and failed attempts by kind,
/// devices that gave up, and the connect time (first attempt to accept, retries included) in microseconds.
/// </summary>
internal sealed class DeviceFleet : IAsyncDisposable
{
    private readonly List<SimulatedDevice> _devices = [];
    private readonly List<Task> _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, long> _failures = new();
    private readonly ConcurrentDictionary<string, long> _disconnects = new();
    private long _online;
    private long _accepted;
    private long _rejectedUnavailable;
    private long _gaveUp;

    public DeviceFleet(IReadOnlyList<IPEndPoint> edges, FleetOptions options)
    {
        Edges = edges;
        Options = options;
        HandshakeSlots = new SemaphoreSlim(options.ConnectConcurrency);
    }

    public IReadOnlyList<IPEndPoint> Edges { get; }

    public FleetOptions Options { get; }

    public SemaphoreSlim HandshakeSlots { get; }

    public IReadOnlyList<SimulatedDevice> Devices => _devices;

    public LongConcurrentHistogram ConnectMicroseconds { get; } = new(1, TimeSpan.FromMinutes(10).Ticks, 3);

    public long Online => Interlocked.Read(ref _online);

    public long Accepted => Interlocked.Read(ref _accepted);

    public long RejectedUnavailable => Interlocked.Read(ref _rejectedUnavailable);

    public long GaveUp => Interlocked.Read(ref _gaveUp);

    public IReadOnlyDictionary<string, long> Failures => _failures;

    public IReadOnlyDictionary<string, long> Disconnects => _disconnects;

    /// <summary>Starts every device at once (round-robin over the edges); each connects, then stays connected.</summary>
    public void Start(IEnumerable<DeviceCredentials> devices)
    {
        foreach (var credentials in devices)
        {
            var device = new SimulatedDevice(credentials, _devices.Count % Edges.Count, this);
            _devices.Add(device);
            _running.Add(Task.Run(() => device.RunAsync(_stopping.Token)));
        }
    }

    /// <summary>Waits until <paramref name="count"/> devices are online or every device has given up, up to <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitOnlineAsync(long count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Online < count)
        {
            if (DateTime.UtcNow > deadline || GaveUp + Online >= _devices.Count && GaveUp > 0)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken);
        }

        return true;
    }

    public void ResetConnectHistogram() => ConnectMicroseconds.Reset();

    internal void OnAccepted(TimeSpan connectTime)
    {
        Interlocked.Increment(ref _online);
        Interlocked.Increment(ref _accepted);
        ConnectMicroseconds.RecordValue(Math.Max(1, (long)connectTime.TotalMicroseconds));
    }

    internal void OnDisconnected(string reason)
    {
        Interlocked.Decrement(ref _online);
        _disconnects.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    internal void OnRejectedUnavailable() => Interlocked.Increment(ref _rejectedUnavailable);

    internal void OnFailed(string kind) => _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);

    internal void OnGaveUp() => Interlocked.Increment(ref _gaveUp);

    /// <summary>Disconnects every device (goodbye frames) and waits for their connections to close.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running);
        _stopping.Dispose();
        HandshakeSlots.Dispose();
    }
}

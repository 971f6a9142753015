using Microsoft.Extensions.Logging;
using OrleansRelay.Device;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>The real device daemon, running in the test process against given edges and a local service.</summary>
internal sealed class TestDaemon : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private int _accepted;
    private long _acceptedAt;

    private TestDaemon(DeviceOptions options, IHttpRequestHandler? handler = null, ILoggerFactory? loggers = null)
    {
        Daemon = new DeviceDaemon(options, handler, loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Daemon.SessionAccepted += _ =>
        {
            // The time first, so whoever sees the count also sees when.
            Volatile.Write(ref _acceptedAt, System.Diagnostics.Stopwatch.GetTimestamp());
            Interlocked.Increment(ref _accepted);
        };
        _run = Daemon.RunAsync(_stop.Token);
    }

    /// <summary>The daemon's local control endpoint, when started with one.</summary>
    public LocalControlServer? Control { get; private set; }

    public DeviceDaemon Daemon { get; }

    public int AcceptedSessions => Volatile.Read(ref _accepted);

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp at which the latest session was accepted (0 before the first).</summary>
    public long LastAcceptedAt => Volatile.Read(ref _acceptedAt);

    public static Task<TestDaemon> StartAsync(string deviceId, string secret, Uri local, params int[] devicePorts) =>
        StartWithControlAsync(deviceId, secret, local, controlPort: 0, devicePorts);

    public static async Task<TestDaemon> StartWithControlAsync(string deviceId, string secret, Uri local, int controlPort, params int[] devicePorts)
    {
        var daemon = Start(deviceId, secret, local, devicePorts);
        if (controlPort > 0)
        {
            daemon.Control = await LocalControlServer.StartAsync(controlPort, daemon.Daemon, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        }

        await Eventually.TrueAsync(() => daemon.AcceptedSessions > 0, $"daemon {deviceId} to be accepted");
        return daemon;
    }

    /// <summary>Starts the daemon without waiting for its first session.</summary>
    public static TestDaemon Launch(string deviceId, string secret, Uri local, params int[] devicePorts) =>
        Start(deviceId, secret, local, devicePorts);

    /// <summary>Starts the daemon with full options (TLS, identity, in-process handler, logs) without waiting.</summary>
    public static TestDaemon Launch(DeviceOptions options, IHttpRequestHandler? handler = null, ILoggerFactory? loggers = null) =>
        new(options, handler, loggers);

    /// <summary>Options as the other helpers use them: loopback edges, fast backoff.</summary>
    public static DeviceOptions Options(string deviceId, string secret, Uri local, params int[] devicePorts) => new()
    {
        Servers = [.. devicePorts.Select(p => new ServerAddress("127.0.0.1", p))],
        DeviceId = deviceId,
        Secret = secret,
        LocalService = local,
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(500),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    private static TestDaemon Start(string deviceId, string secret, Uri local, params int[] devicePorts) =>
        new(Options(deviceId, secret, local, devicePorts));

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        // Tests may stop a daemon themselves before their `await using` does.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (Control is not null)
        {
            await Control.DisposeAsync();
        }

        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(15));
        Daemon.Dispose();
        _stop.Dispose();
    }
}

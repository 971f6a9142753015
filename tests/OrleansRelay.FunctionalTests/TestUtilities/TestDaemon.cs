using OrleansRelay.Device;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>The real device daemon, running in the test process against given edges and a local service.</summary>
internal sealed class TestDaemon : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private int _accepted;

    private TestDaemon(DeviceOptions options)
    {
        Daemon = new DeviceDaemon(options, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        Daemon.SessionAccepted += _ => Interlocked.Increment(ref _accepted);
        _run = Daemon.RunAsync(_stop.Token);
    }

    public DeviceDaemon Daemon { get; }

    public int AcceptedSessions => Volatile.Read(ref _accepted);

    public static async Task<TestDaemon> StartAsync(string deviceId, string secret, Uri local, params int[] devicePorts)
    {
        var daemon = Start(deviceId, secret, local, devicePorts);
        await Eventually.TrueAsync(() => daemon.AcceptedSessions > 0, $"daemon {deviceId} to be accepted");
        return daemon;
    }

    public static TestDaemon Start(string deviceId, string secret, Uri local, params int[] devicePorts) =>
        new(new DeviceOptions
        {
            Servers = [.. devicePorts.Select(p => new ServerAddress("127.0.0.1", p))],
            DeviceId = deviceId,
            Secret = secret,
            LocalService = local,
            InitialBackoff = TimeSpan.FromMilliseconds(50),
            MaxBackoff = TimeSpan.FromMilliseconds(500),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(15));
        Daemon.Dispose();
        _stop.Dispose();
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Re-announces every socket this edge holds to its device's grain on a timer. This runs in a loop because grain
/// session state is volatile: after a silo failure or an idle deactivation the grain learns its session again from
/// here, and the calls also keep connected devices' grains active. On shutdown it tells every device to move.
/// </summary>
internal sealed partial class SessionRefresher : BackgroundService
{
    private readonly DeviceSessionRegistry _registry;
    private readonly EdgeIdentity _identity;
    private readonly IGrainFactory _grains;
    private readonly EdgeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionRefresher> _logger;

    public SessionRefresher(
        DeviceSessionRegistry registry,
        EdgeIdentity identity,
        IGrainFactory grains,
        IOptions<EdgeOptions> options,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ILogger<SessionRefresher> logger)
    {
        _registry = registry;
        _identity = identity;
        _grains = grains;
        _options = options.Value;
        _time = time;
        _logger = logger;
        lifetime.ApplicationStopping.Register(CloseAllForShutdown);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SessionRefreshInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAllAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Re-announces every held session once; sessions the grain says are superseded are closed.</summary>
    public async Task RefreshAllAsync()
    {
        var sessions = _registry.Snapshot();
        var calls = sessions.Select(async connection =>
        {
            try
            {
                var current = await _grains.GetGrain<IDeviceGrain>(connection.DeviceId)
                    .Reattach(new DeviceSessionRef(connection.Epoch, _identity.Reference, connection.ConnectedAt));
                if (!current)
                {
                    connection.Close(CloseCodes.Replaced, "The relay no longer considers this connection the device's session.");
                }
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                Log.ReattachFailed(_logger, connection.DeviceId, ex.GetType().Name);
            }
        });
        await Task.WhenAll(calls);
    }

    private void CloseAllForShutdown()
    {
        var sessions = _registry.Snapshot();
        Log.ShuttingDown(_logger, sessions.Count);
        foreach (var connection in sessions)
        {
            connection.Close(CloseCodes.Shutdown, "The edge is shutting down; reconnect.");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2200, LogLevel.Warning, "Could not re-announce device {DeviceId} to its grain ({Exception}); will retry")]
        public static partial void ReattachFailed(ILogger logger, string deviceId, string exception);

        [LoggerMessage(2201, LogLevel.Information, "Edge stopping: telling {Count} devices to reconnect elsewhere")]
        public static partial void ShuttingDown(ILogger logger, int count);
    }
}

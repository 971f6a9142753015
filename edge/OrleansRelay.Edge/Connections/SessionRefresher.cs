using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Events;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Re-announces every socket this edge holds to its device's grain on a timer. This runs in a loop because grain
/// session state is volatile: after a silo failure or an idle deactivation the grain learns its session again from
/// here, and the calls also keep connected devices' grains active. A change in the cluster's gateways triggers a
/// pass at once, repeated quickly while any re-announcement fails. On shutdown it tells every device to move.
/// </summary>
internal sealed partial class SessionRefresher : BackgroundService
{
    private readonly Accounts.CredentialCache _credentials;
    private readonly DataPlane.DeviceRoutes _routes;
    private readonly DeviceSessionRegistry _registry;
    private readonly EdgeIdentity _identity;
    private readonly EdgeLease _lease;
    private readonly DeviceEventHub _events;
    private readonly IGrainFactory _grains;
    private readonly EdgeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionRefresher> _logger;
    private readonly SemaphoreSlim _urgent = new(0);

    /// <summary>A re-announcement stuck toward a dead silo counts as failed (and is retried) instead of holding up the pass.</summary>
    private static readonly TimeSpan ReattachTimeout = TimeSpan.FromSeconds(5);

    public SessionRefresher(
        DeviceSessionRegistry registry,
        EdgeIdentity identity,
        EdgeLease lease,
        DeviceEventHub events,
        Accounts.CredentialCache credentials,
        DataPlane.DeviceRoutes routes,
        IGrainFactory grains,
        IOptions<EdgeOptions> options,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ILogger<SessionRefresher> logger)
    {
        _registry = registry;
        _identity = identity;
        _lease = lease;
        _events = events;
        _credentials = credentials;
        _routes = routes;
        _grains = grains;
        _options = options.Value;
        _time = time;
        _logger = logger;
        lifetime.ApplicationStopping.Register(CloseAllForShutdown);
    }

    /// <summary>
    /// The cluster changed under this edge (a gateway silo came or went): re-announce every socket now, and keep
    /// doing so every <see cref="EdgeOptions.FastRefreshInterval"/> until a whole pass succeeds, because the grains of
    /// a dead silo can be re-activated only once membership has declared it dead.
    /// </summary>
    public void OnClusterChanged(int gateways, int previousGateways)
    {
        Log.ClusterChanged(_logger, previousGateways, gateways);
        // Revocations and route changes may have been missed while the cluster was out of reach: ask again.
        _credentials.Revoke(null);
        _routes.Clear();
        _urgent.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var fast = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = fast ? _options.FastRefreshInterval : _options.SessionRefreshInterval;
                if (await _urgent.WaitAsync(wait, stoppingToken))
                {
                    while (_urgent.CurrentCount > 0 && await _urgent.WaitAsync(TimeSpan.Zero, stoppingToken))
                    {
                    }
                }

                try
                {
                    var failures = await RefreshAllAsync() + await _events.RenewAllAsync();
                    fast = failures > 0;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Never let a failed round stop the host (an exception out of ExecuteAsync does): retry soon.
                    Log.RefreshFailed(_logger, ex.GetType().Name, ex.Message);
                    fast = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Re-announces every held session once; sessions the grain says are superseded are closed. Returns how many calls failed.</summary>
    public async Task<int> RefreshAllAsync()
    {
        var sessions = _registry.Snapshot();
        var failures = 0;
        var calls = sessions.Select(async connection =>
        {
            try
            {
                var current = await _grains.GetGrain<IDeviceGrain>(connection.DeviceId)
                    .Reattach(new DeviceSessionRef(connection.Epoch, _identity.Reference, connection.ConnectedAt))
                    .AsTask().WaitAsync(ReattachTimeout);
                if (!current)
                {
                    connection.Close(CloseCodes.Replaced, "The relay no longer considers this connection the device's session.");
                }
            }
            catch (Exception ex) when (ClusterFailure.Is(ex))
            {
                Interlocked.Increment(ref failures);
                Log.ReattachFailed(_logger, connection.DeviceId, ex.GetType().Name);
            }
        });
        await Task.WhenAll(calls);
        return failures;
    }

    private void CloseAllForShutdown()
    {
        // Runs before Kestrel and the cluster client stop: devices are told to move, requests in flight finish
        // (bounded by Edge:DrainTimeout), and only then are the sockets closed.
        var sessions = _registry.Snapshot();
        Log.ShuttingDown(_logger, sessions.Count);
        var drains = sessions.Select(c => c.DrainAsync(CloseCodes.Shutdown, "The edge is shutting down; reconnect.", _options.DrainTimeout));
        Task.WhenAll(drains).Wait(_options.DrainTimeout + TimeSpan.FromSeconds(1));
        _lease.Remove();
    }

    private static partial class Log
    {
        [LoggerMessage(2200, LogLevel.Warning, "Could not re-announce device {DeviceId} to its grain ({Exception}); will retry")]
        public static partial void ReattachFailed(ILogger logger, string deviceId, string exception);

        [LoggerMessage(2203, LogLevel.Warning, "Re-announcing device sockets and event subscriptions failed ({Exception}: {Message}); retrying soon")]
        public static partial void RefreshFailed(ILogger logger, string exception, string message);

        [LoggerMessage(2202, LogLevel.Warning, "Cluster gateways changed from {Previous} to {Current}: re-announcing every device socket")]
        public static partial void ClusterChanged(ILogger logger, int previous, int current);

        [LoggerMessage(2201, LogLevel.Information, "Edge stopping: telling {Count} devices to reconnect elsewhere")]
        public static partial void ShuttingDown(ILogger logger, int count);
    }
}

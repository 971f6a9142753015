using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Keeps this edge's lease in the cluster's edge registry: renewed every <see cref="EdgeOptions.LeaseInterval"/> for
/// three intervals, dropped on shutdown. Device grains that lost their session ask the leased edges for it, and silos
/// declare an edge whose lease ran out lost (relays for its devices then answer 503 at once). Devices are admitted
/// only once the first lease is held (<see cref="Leased"/>), so no grain ever sees a session of an unleased edge.
/// </summary>
internal sealed partial class EdgeLease : BackgroundService
{
    private readonly IGrainFactory _grains;
    private readonly EdgeIdentity _identity;
    private readonly EdgeOptions _options;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<EdgeLease> _logger;
    private volatile bool _removed;
    private readonly TaskCompletionSource _leased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EdgeLease(IGrainFactory grains, EdgeIdentity identity, IOptions<EdgeOptions> options, IHostApplicationLifetime lifetime, ILogger<EdgeLease> logger)
    {
        _grains = grains;
        _identity = identity;
        _options = options.Value;
        _lifetime = lifetime;
        _logger = logger;
    }

    /// <summary>Completes when this edge first holds a lease.</summary>
    public Task Leased => _leased.Task;

    /// <summary>
    /// Gives the lease back, so silos declare this edge gone at once rather than when the lease runs out. Called on
    /// shutdown once in-flight requests have drained (silos fail requests of an edge without a lease), while the
    /// cluster client still runs.
    /// </summary>
    public void Remove()
    {
        _removed = true;
        try
        {
            _grains.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key).Remove(_identity.EdgeId).AsTask().Wait(TimeSpan.FromSeconds(1));
        }
        catch (Exception ex)
        {
            Log.RenewFailed(_logger, ex.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The cluster client is another hosted service: renew only once the whole host has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task;
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var registry = _grains.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key);
        using var timer = new PeriodicTimer(_options.LeaseInterval);
        do
        {
            if (_removed)
            {
                return;
            }

            try
            {
                // Bounded: a renewal sent toward a silo that just died can wait for the whole response timeout (30 s),
                // far longer than the lease. The next tick sends a fresh one through a live gateway instead.
                await registry.Renew(_identity.Reference, _options.LeaseInterval * 3).AsTask().WaitAsync(_options.LeaseInterval, stoppingToken);
                _leased.TrySetResult();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Includes OperationCanceledException: Orleans cancels a call whose target silo died. Letting it out
                // of ExecuteAsync stopped the whole edge host at every silo kill (bench/fault-injection.sh).
                Log.RenewFailed(_logger, ex.GetType().Name);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2300, LogLevel.Warning, "Could not renew this edge's lease ({Exception}); retrying")]
        public static partial void RenewFailed(ILogger logger, string exception);
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>
/// Repairs rows a lost write left wrong. Every <see cref="FleetIndexOptions.SweepInterval"/> it asks the store for
/// online rows on an edge that holds no lease, or not rewritten for <see cref="FleetIndexOptions.StaleAfter"/> (an
/// online device's row is rewritten every <see cref="FleetIndexOptions.RefreshInterval"/>), and writes what each
/// device's grain says now. The grain is the truth; this only asks it about the few rows that may be wrong.
/// </summary>
internal sealed partial class DeviceIndexSweeper : BackgroundService
{
    private const int MaxPerSweep = 1000;

    private readonly IDeviceIndexStore _store;
    private readonly DeviceIndexWriter _writer;
    private readonly IGrainFactory _grains;
    private readonly FleetIndexOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceIndexSweeper> _logger;

    public DeviceIndexSweeper(IDeviceIndexStore store, DeviceIndexWriter writer, IGrainFactory grains, IOptions<FleetIndexOptions> options, TimeProvider time, ILogger<DeviceIndexSweeper> logger)
    {
        _store = store;
        _writer = writer;
        _grains = grains;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Checks the suspect rows once; returns how many were checked.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _grains.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key).GetSnapshot();
        // An incomplete registry view (a fresh activation) proves no edge lost: judge by age only then.
        var liveEdges = snapshot.Complete ? snapshot.Live.Select(e => e.EdgeId).ToHashSet(StringComparer.Ordinal) : null;
        var suspects = await _store.FindSuspectsAsync(_time.GetUtcNow() - _options.StaleAfter, liveEdges, MaxPerSweep, cancellationToken);
        foreach (var deviceId in suspects)
        {
            var grain = _grains.GetGrain<IDeviceGrain>(deviceId);
            var status = await grain.GetStatus();
            var ownership = await grain.GetOwnership();
            var now = _time.GetUtcNow();
            _writer.Post(new DeviceIndexEntry(
                deviceId,
                status.Registered,
                status.Name ?? ownership.Name,
                status.Online,
                status.Online ? status.ConnectedAt ?? now : now,
                status.Online ? DeviceIndexEntry.Connected : null,
                status.EdgeId,
                ownership.Email,
                null,
                now.UtcTicks));
        }

        if (suspects.Length > 0)
        {
            Log.Repaired(_logger, suspects.Length);
        }

        return suspects.Length;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Orleans reports a silo leaving with OperationCanceledException too: the next sweep tries again.
                    Log.SweepFailed(_logger, ex.GetType().Name, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1251, LogLevel.Information, "Fleet index: checked {Count} rows that may have been stale against their device grains")]
        public static partial void Repaired(ILogger logger, int count);

        [LoggerMessage(1252, LogLevel.Warning, "Fleet index: the sweep failed ({Exception}): {Detail}")]
        public static partial void SweepFailed(ILogger logger, string exception, string detail);
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>
/// Queues the fleet index entries of this silo's device grains and writes them in batches every
/// <see cref="FleetIndexOptions.FlushInterval"/>: a grain only posts (no await, no I/O on its calls), several changes
/// of one device between two flushes are folded into one row write, and a failed batch is kept and retried (folded
/// with anything newer). What is lost with the silo before a flush, the sweeper repairs.
/// </summary>
internal sealed partial class DeviceIndexWriter : BackgroundService
{
    private const int MaxBatch = 500;

    private readonly ConcurrentDictionary<string, DeviceIndexEntry> _pending = new(StringComparer.Ordinal);
    private readonly IDeviceIndexStore _store;
    private readonly FleetIndexOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceIndexWriter> _logger;
    private readonly SemaphoreSlim _flushing = new(1, 1);

    public DeviceIndexWriter(IDeviceIndexStore store, IOptions<FleetIndexOptions> options, TimeProvider time, ILogger<DeviceIndexWriter> logger)
    {
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Entries waiting for the next flush.</summary>
    public int Pending => _pending.Count;

    /// <summary>Queues <paramref name="entry"/>, folded into any entry of the same device still waiting.</summary>
    public void Post(DeviceIndexEntry entry) =>
        _pending.AddOrUpdate(entry.DeviceId, static (_, newer) => newer, static (_, waiting, newer) => waiting.Then(newer), entry);

    /// <summary>Writes what is queued now (also called by the loop and on shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            while (!_pending.IsEmpty)
            {
                var batch = new List<DeviceIndexEntry>(Math.Min(_pending.Count, MaxBatch));
                foreach (var id in _pending.Keys.Take(MaxBatch))
                {
                    if (_pending.TryRemove(id, out var entry))
                    {
                        batch.Add(entry);
                    }
                }

                try
                {
                    await _store.ApplyAsync(batch, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Requeue(batch);
                    throw;
                }
                catch (Exception ex)
                {
                    Requeue(batch);
                    Log.WriteFailed(_logger, batch.Count, ex.GetType().Name, ex.Message);
                    return;
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>Puts a batch that was not written back in the queue, under anything newer queued meanwhile.</summary>
    private void Requeue(List<DeviceIndexEntry> batch)
    {
        foreach (var entry in batch)
        {
            _pending.AddOrUpdate(entry.DeviceId, static (_, failed) => failed, static (_, newer, failed) => failed.Then(newer), entry);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's stop is no longer graceful (its timeout ran out, or the silo is being killed): what is left is
            // repaired by the sweeper of a live silo from the device grains; a stop must not fail for it.
            Log.StopCutShort(_logger, _pending.Count);
        }
        catch (Exception ex)
        {
            Log.WriteFailed(_logger, _pending.Count, ex.GetType().Name, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1250, LogLevel.Warning, "Fleet index: writing {Count} entries failed ({Exception}): {Detail}; retried with the next flush")]
        public static partial void WriteFailed(ILogger logger, int count, string exception, string detail);

        [LoggerMessage(1253, LogLevel.Warning, "Fleet index: the silo stopped before {Count} queued entries were written; the index sweep repairs those rows")]
        public static partial void StopCutShort(ILogger logger, int count);
    }
}

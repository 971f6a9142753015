using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Edges;

/// <summary>
/// This silo's view of which edges are alive, polled from the edge registry every <see cref="PollInterval"/>. Orleans
/// itself notices a dead edge (a client) only after one to two <c>ClientDropTimeout</c>s, and until then calls to its
/// observer wait for the whole response timeout; an edge whose lease ran out is declared lost here within about a
/// second, so device grains answer at once instead of hanging. One poll per silo, whatever the number of devices.
/// </summary>
internal sealed partial class EdgeLivenessMonitor : IDisposable
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A view older than this (the registry could not be read) declares nothing lost.</summary>
    private static readonly TimeSpan StaleAfter = PollInterval * 6;

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ILogger<EdgeLivenessMonitor> _logger;
    private readonly ConcurrentDictionary<string, LostSignal> _signals = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private volatile Observation? _latest;
    private int _started;

    public EdgeLivenessMonitor(IGrainFactory grains, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<EdgeLivenessMonitor> logger)
    {
        _grains = grains;
        _time = time;
        _logger = logger;

        // Stop polling when the host begins to stop: the silo refuses new calls while it shuts down.
        lifetime.ApplicationStopping.Register(() => _stopping.Cancel());
    }

    /// <summary>
    /// True when a complete registry snapshot taken after <paramref name="since"/> lacks the edge. Edges lease before
    /// they accept devices, so an edge that held a session at <paramref name="since"/> and is alive is in such a snapshot.
    /// </summary>
    public bool IsLost(string edgeId, DateTimeOffset since)
    {
        EnsurePolling();
        return _latest is { } latest && _time.GetUtcNow() - latest.AskedAt < StaleAfter && latest.ShowsLost(edgeId, since);
    }

    /// <summary>Completes when the edge is declared lost by a snapshot taken after this call.</summary>
    public Task WhenLost(string edgeId)
    {
        EnsurePolling();
        var signal = _signals.GetOrAdd(edgeId, static (_, now) => new LostSignal(now), _time.GetUtcNow());
        return signal.Completion.Task;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private bool Stopping
    {
        get
        {
            try
            {
                return _stopping.IsCancellationRequested;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }
    }

    private void EnsurePolling()
    {
        if (!Stopping && Interlocked.Exchange(ref _started, 1) == 0)
        {
            // Off the calling grain's scheduler: the loop belongs to the silo, not to one activation.
            _ = Task.Run(PollAsync);
        }
    }

    private async Task PollAsync()
    {
        var registry = _grains.GetGrain<IEdgeRegistryGrain>(IEdgeRegistryGrain.Key);
        using var timer = new PeriodicTimer(PollInterval, _time);
        try
        {
            do
            {
                var asked = _time.GetUtcNow();
                try
                {
                    // Bounded like the renewals: a call stuck toward a dead silo must not freeze this view.
                    var observation = new Observation(await registry.GetSnapshot().AsTask().WaitAsync(StaleAfter, _stopping.Token), asked);
                    _latest = observation;
                    SignalLost(observation);
                }
                catch (Exception ex) when (!Stopping)
                {
                    // Includes OperationCanceledException from a call toward a silo that died: it used to end this
                    // loop silently (the outer catch), freezing the view of edge liveness.
                    Log.PollFailed(_logger, ex.GetType().Name);
                }
                catch (Exception) when (Stopping)
                {
                    return;
                }
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SignalLost(Observation observation)
    {
        foreach (var (edgeId, signal) in _signals)
        {
            if (observation.ShowsLost(edgeId, signal.Since) && _signals.TryRemove(edgeId, out var removed))
            {
                Log.EdgeLost(_logger, edgeId);
                removed.Completion.TrySetResult();
            }
        }
    }

    private sealed record Observation(EdgeRegistrySnapshot Snapshot, DateTimeOffset AskedAt)
    {
        private readonly HashSet<string> _live = Snapshot.Live.Select(e => e.EdgeId).ToHashSet(StringComparer.Ordinal);

        public bool ShowsLost(string edgeId, DateTimeOffset since) => Snapshot.Complete && AskedAt > since && !_live.Contains(edgeId);
    }

    private sealed record LostSignal(DateTimeOffset Since)
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static partial class Log
    {
        [LoggerMessage(1100, LogLevel.Warning, "Edge {EdgeId} lost its lease: relays for its devices answer 503 until they reconnect elsewhere")]
        public static partial void EdgeLost(ILogger logger, string edgeId);

        [LoggerMessage(1101, LogLevel.Debug, "Could not read the edge registry ({Exception}); keeping the last view")]
        public static partial void PollFailed(ILogger logger, string exception);
    }
}

using System.Diagnostics.Metrics;
using HdrHistogram;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model.Fleet;
using OrleansRelay.Edge.Connections;
using OrleansRelay.Edge.Diagnostics;

namespace OrleansRelay.Edge.Fleet;

/// <summary>
/// Reads this edge's own instruments (<see cref="EdgeMetrics"/>, through a <see cref="MeterListener"/> limited to this
/// edge's meter factory) and reports one sample per <see cref="Interval"/> to the relay metrics grain: relayed
/// requests by status class, relay latency p50/p99, device sessions held, notifications received. The charts read
/// the grain; Prometheus scraping <c>/metrics</c> stays the long-term store.
/// </summary>
internal sealed partial class RelayMetricsSampler : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly IMeterFactory _meterFactory;
    private readonly IGrainFactory _grains;
    private readonly EdgeIdentity _identity;
    private readonly TimeProvider _time;
    private readonly ILogger<RelayMetricsSampler> _logger;
    private readonly long[] _requests = new long[5];
    private readonly LongConcurrentHistogram _latencyMicroseconds = new(1, TimeSpan.FromMinutes(10).Ticks / 10, 3);
    private long _connections;
    private long _notifications;

    public RelayMetricsSampler(IMeterFactory meterFactory, IGrainFactory grains, EdgeIdentity identity, TimeProvider time, ILogger<RelayMetricsSampler> logger)
    {
        _meterFactory = meterFactory;
        _grains = grains;
        _identity = identity;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only this edge's instruments: several edges may share a process (tests), each with its own factory.
            if (instrument.Meter.Name == EdgeMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, _meterFactory)
                && instrument.Name is EdgeMetrics.RelayDurationName or EdgeMetrics.DeviceConnectionsName or EdgeMetrics.NotificationsName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>(OnDuration);
        listener.SetMeasurementEventCallback<long>(OnCount);
        listener.Start();

        using var timer = new PeriodicTimer(Interval, _time);
        var last = _time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = _time.GetUtcNow();
                var sample = TakeSample(now, (now - last).TotalSeconds);
                last = now;
                try
                {
                    await _grains.GetGrain<IRelayMetricsGrain>(0).Record(sample);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A lost sample is a gap in a chart, no more.
                    Log.ReportFailed(_logger, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private RelayMetricsSample TakeSample(DateTimeOffset now, double seconds)
    {
        var requests = new long[_requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            requests[i] = Interlocked.Exchange(ref _requests[i], 0);
        }

        var latency = _latencyMicroseconds.Copy();
        _latencyMicroseconds.Reset();
        var counted = latency.TotalCount > 0;
        return new RelayMetricsSample(
            _identity.EdgeId,
            now,
            seconds,
            requests,
            counted ? latency.GetValueAtPercentile(50) / 1000.0 : 0,
            counted ? latency.GetValueAtPercentile(99) / 1000.0 : 0,
            Interlocked.Read(ref _connections),
            Interlocked.Exchange(ref _notifications, 0));
    }

    private void OnDuration(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag is { Key: "http.response.status_code", Value: int status } && status is >= 100 and < 600)
            {
                Interlocked.Increment(ref _requests[(status / 100) - 1]);
            }
        }

        _latencyMicroseconds.RecordValue(Math.Clamp((long)(seconds * 1_000_000), 1, _latencyMicroseconds.HighestTrackableValue));
    }

    private void OnCount(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == EdgeMetrics.DeviceConnectionsName)
        {
            Interlocked.Add(ref _connections, value);
        }
        else
        {
            Interlocked.Add(ref _notifications, value);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3451, LogLevel.Debug, "Could not report the relay's figures to the metrics grain ({Exception})")]
        public static partial void ReportFailed(ILogger logger, string exception);
    }
}

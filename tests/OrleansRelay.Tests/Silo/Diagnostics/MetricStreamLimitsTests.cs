using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OrleansRelay.Silo.Diagnostics;

namespace OrleansRelay.Tests.Silo.Diagnostics;

/// <summary>The relay's metric views: a small point budget per stream, nothing lost beyond it, the HTTP server's duration untouched.</summary>
public sealed class MetricStreamLimitsTests
{
    [Fact]
    public void ACounterWithMoreTagCombinationsThanTheLimit_KeepsTheLimit_AndAddsTheRestToTheOverflowPoint()
    {
        using var meter = new Meter($"test-{Guid.NewGuid():N}");
        var counter = meter.CreateCounter<long>("relay.test.requests");
        var exported = new List<MetricSnapshot>();
        using (var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddRelayMetricStreamLimits().AddInMemoryExporter(exported).Build())
        {
            var combinations = MetricStreamLimits.DefaultCardinality + 50;
            for (var i = 0; i < combinations; i++)
            {
                counter.Add(1, new KeyValuePair<string, object?>("device", $"d{i}"));
            }

            provider.ForceFlush();
        }

        var points = PointsOf(exported, "relay.test.requests");
        Assert.InRange(points.Count, MetricStreamLimits.DefaultCardinality - 1, MetricStreamLimits.DefaultCardinality + 1);
        Assert.Equal(MetricStreamLimits.DefaultCardinality + 50, points.Sum(p => p.GetSumLong()));
        Assert.Contains(points, p => HasTag(p, "otel.metric.overflow"));
    }

    [Fact]
    public void TheHttpServerRequestDuration_KeepsOpenTelemetrysDefaultLimit()
    {
        using var meter = new Meter($"test-{Guid.NewGuid():N}");
        var duration = meter.CreateHistogram<double>(MetricStreamLimits.HttpServerRequestDuration);
        var exported = new List<MetricSnapshot>();
        var combinations = MetricStreamLimits.DefaultCardinality * 3;
        using (var provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddRelayMetricStreamLimits().AddInMemoryExporter(exported).Build())
        {
            for (var i = 0; i < combinations; i++)
            {
                duration.Record(0.001, new KeyValuePair<string, object?>("http.route", $"/r{i}"));
            }

            provider.ForceFlush();
        }

        var points = PointsOf(exported, MetricStreamLimits.HttpServerRequestDuration);
        Assert.Equal(combinations, points.Count);
        Assert.DoesNotContain(points, p => HasTag(p, "otel.metric.overflow"));
    }

    /// <summary>The points of the last export of <paramref name="name"/>.</summary>
    private static IReadOnlyList<MetricPoint> PointsOf(List<MetricSnapshot> exported, string name) =>
        exported.Last(m => m.Name == name).MetricPoints;

    private static bool HasTag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return true;
            }
        }

        return false;
    }
}

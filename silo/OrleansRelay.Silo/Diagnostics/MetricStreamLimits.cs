using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace OrleansRelay.Silo.Diagnostics;

/// <summary>
/// How many tag combinations each exported metric keeps. OpenTelemetry allocates every metric stream's points up front,
/// 2,000 by default (about 140 KiB a stream): the 80-odd streams of an edge held 12 MiB before the first request,
/// more than a thousand connected devices. Our own, Orleans' and the runtime's instruments have a few tag combinations
/// each; only the HTTP server's request duration (route × method × status × protocol) can use the default's room.
/// Combinations beyond a limit are not lost: OpenTelemetry adds them up in one overflow point
/// (<c>otel.metric.overflow=true</c>).
/// </summary>
public static class MetricStreamLimits
{
    /// <summary>Points per stream for every instrument but the HTTP server's request duration.</summary>
    public const int DefaultCardinality = 200;

    /// <summary>The instrument that keeps OpenTelemetry's default limit.</summary>
    public const string HttpServerRequestDuration = "http.server.request.duration";

    /// <summary>Applies the limits to every metric this provider exports.</summary>
    public static MeterProviderBuilder AddRelayMetricStreamLimits(this MeterProviderBuilder metrics) =>
        metrics.AddView(For);

    /// <summary>The stream configuration of <paramref name="instrument"/>; null keeps OpenTelemetry's default.</summary>
    public static MetricStreamConfiguration? For(Instrument instrument) =>
        instrument.Name == HttpServerRequestDuration ? null : new MetricStreamConfiguration { CardinalityLimit = DefaultCardinality };
}

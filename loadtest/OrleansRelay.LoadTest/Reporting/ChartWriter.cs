using ScottPlot;

namespace OrleansRelay.LoadTest.Reporting;

/// <summary>The report's PNG charts (ScottPlot): latency over time, throughput over time, relay RSS against devices online.</summary>
internal static class ChartWriter
{
    private const int Width = 900;
    private const int Height = 420;

    public const string LatencyFile = "latency.png";
    public const string ThroughputFile = "throughput.png";
    public const string MemoryFile = "rss-vs-devices.png";

    public static IReadOnlyList<string> Write(RunResult result, string folder)
    {
        var points = result.Timeline;
        var written = new List<string>();
        if (points.Count == 0)
        {
            return written;
        }

        double[] seconds = [.. points.Select(p => p.Seconds)];
        if (points.Any(p => p.RequestsPerSecond > 0))
        {
            var latency = new Plot();
            latency.Add.Scatter(seconds, [.. points.Select(p => p.P50Ms)]).LegendText = "p50";
            latency.Add.Scatter(seconds, [.. points.Select(p => p.P99Ms)]).LegendText = "p99";
            latency.Add.Scatter(seconds, [.. points.Select(p => p.MaxMs)]).LegendText = "max";
            latency.Title($"{result.Scenario}: latency per second");
            latency.XLabel("seconds since start");
            latency.YLabel("ms");
            latency.ShowLegend();
            latency.SavePng(Path.Combine(folder, LatencyFile), Width, Height);
            written.Add(LatencyFile);
        }

        var throughput = new Plot();
        throughput.Add.Scatter(seconds, [.. points.Select(p => p.RequestsPerSecond)]).LegendText = "requests/s";
        throughput.Add.Scatter(seconds, [.. points.Select(p => (double)p.Errors)]).LegendText = "errors/s";
        throughput.Title($"{result.Scenario}: throughput per second");
        throughput.XLabel("seconds since start");
        throughput.YLabel("per second");
        throughput.ShowLegend();
        throughput.SavePng(Path.Combine(folder, ThroughputFile), Width, Height);
        written.Add(ThroughputFile);

        var memory = new Plot();
        double[] online = [.. points.Select(p => (double)p.DevicesOnline)];
        var edge = memory.Add.ScatterPoints(online, [.. points.Select(p => p.EdgeRssMiB)]);
        edge.LegendText = "edge RSS";
        var silo = memory.Add.ScatterPoints(online, [.. points.Select(p => p.SiloRssMiB)]);
        silo.LegendText = "silo RSS";
        memory.Title($"{result.Scenario}: relay RSS against connected devices");
        memory.XLabel("devices online");
        memory.YLabel("MiB");
        memory.ShowLegend();
        memory.SavePng(Path.Combine(folder, MemoryFile), Width, Height);
        written.Add(MemoryFile);
        return written;
    }
}

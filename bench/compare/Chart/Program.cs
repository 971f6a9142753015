using System.Text.Json;
using ScottPlot;

// orleansrelay-compare-chart <run.json> <output prefix>: writes <prefix>-throughput.png, <prefix>-cpu.png and
// <prefix>-latency.png from a bench/compare/run.sh result: one group of bars per system, one bar per 1 KB-class load.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: orleansrelay-compare-chart <run.json> <output prefix>");
    return 2;
}

using var document = JsonDocument.Parse(await File.ReadAllBytesAsync(args[0]));
var rows = document.RootElement.GetProperty("rows").EnumerateArray().Select(Row.From).ToList();
var systems = document.RootElement.GetProperty("meta").GetProperty("systems").EnumerateObject().Select(p => p.Name)
    .Where(s => rows.Any(r => r.System == s)).ToArray();
// GET 1 MiB is two orders of magnitude off the other loads' scale: it stays in the tables, not in the charts.
var loads = document.RootElement.GetProperty("meta").GetProperty("loads").EnumerateObject().Select(p => (p.Name, Label: p.Value.GetString()!))
    .Where(l => l.Name != "get-1m").ToArray();
var connections = rows.Select(r => r.Connections).DefaultIfEmpty(64).Max();

var written = new List<string>
{
    Chart.Write(rows, systems, loads, connections, r => r.Rps, $"requests/s at {connections} connections (higher is better)", "requests/s", args[1] + "-throughput.png", Alignment.UpperRight),
    Chart.Write(rows, systems, loads, connections, r => r.CpuUsPerRequest, $"CPU per request at {connections} connections (lower is better)", "µs of CPU per request", args[1] + "-cpu.png", Alignment.UpperLeft),
    Chart.Write(rows, systems, loads, 1, r => r.P50Ms, "p50 latency at 1 connection (lower is better)", "ms", args[1] + "-latency.png", Alignment.UpperLeft),
};
foreach (var file in written.Where(f => f.Length > 0))
{
    Console.WriteLine(file);
}

return 0;

internal sealed record Row(string System, string Load, string Auth, int Connections, double? Rps, double? CpuUsPerRequest, double? P50Ms)
{
    public static Row From(JsonElement e) => new(
        e.GetProperty("system").GetString()!,
        e.GetProperty("load").GetString()!,
        e.GetProperty("auth").GetString()!,
        e.GetProperty("connections").GetInt32(),
        Number(e, "rps"),
        Number(e, "cpu_us_per_request"),
        Number(e, "p50_ms"));

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}

internal static class Chart
{
    public static string Write(List<Row> rows, string[] systems, (string Name, string Label)[] loads, int connections, Func<Row, double?> value, string title, string yLabel, string file, Alignment legend)
    {
        // The operator key's rows for the relay (the token rows are in the tables), the plain rows for the others.
        var selected = rows.Where(r => r.Connections == connections && (r.Auth == "operator" || r.Auth == "none")).ToList();
        if (selected.Count == 0)
        {
            return string.Empty;
        }

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        const double groupWidth = 0.8;
        var width = groupWidth / loads.Length;
        for (var s = 0; s < systems.Length; s++)
        {
            for (var l = 0; l < loads.Length; l++)
            {
                var row = selected.FirstOrDefault(r => r.System == systems[s] && r.Load == loads[l].Name);
                if (row is not null && value(row) is { } v)
                {
                    bars.Add(new Bar
                    {
                        Position = s - groupWidth / 2 + width * (l + 0.5),
                        Value = v,
                        Size = width * 0.9,
                        FillColor = palette.GetColor(l),
                    });
                }
            }
        }

        plot.Add.Bars(bars);
        for (var l = 0; l < loads.Length; l++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = loads[l].Label, FillColor = palette.GetColor(l) });
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. Enumerable.Range(0, systems.Length).Select(i => (double)i)], [.. systems.Select(s => s.Replace('-', '\n'))]);
        plot.Axes.Bottom.MinimumSize = 70;
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
        plot.SavePng(file, 1100, 520);
        return file;
    }
}

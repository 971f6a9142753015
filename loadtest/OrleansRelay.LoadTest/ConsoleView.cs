using OrleansRelay.LoadTest.Measurement;
using Spectre.Console;

namespace OrleansRelay.LoadTest;

/// <summary>What the operator watches: Spectre progress bars and a live table, or plain lines when output is redirected.</summary>
internal sealed class ConsoleView
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);
    private readonly bool _live;

    public ConsoleView(bool live)
    {
        _live = live && !Console.IsOutputRedirected;
    }

    public void Line(string text)
    {
        if (_live)
        {
            AnsiConsole.MarkupLine(Markup.Escape(text));
        }
        else
        {
            Console.WriteLine(text);
        }
    }

    /// <summary>Shows a progress bar of <paramref name="value"/> out of <paramref name="total"/> until <paramref name="work"/> ends.</summary>
    public async Task<T> ProgressAsync<T>(string title, Func<double> value, double total, Task<T> work)
    {
        if (!_live)
        {
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(PlainInterval));
                Console.WriteLine($"{title}: {value():0}/{total:0}");
            }

            return await work;
        }

        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                while (!work.IsCompleted)
                {
                    task.Value = value();
                    await Task.WhenAny(work, Task.Delay(200));
                }

                task.Value = value();
            });
        return await work;
    }

    /// <summary>Shows the monitor's latest second in a live table until <paramref name="work"/> ends.</summary>
    public async Task<T> WatchAsync<T>(string title, RunMonitor monitor, Task<T> work)
    {
        if (!_live)
        {
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(PlainInterval));
                if (monitor.Latest is { } p)
                {
                    Console.WriteLine($"{title}: {p.RequestsPerSecond:0} req/s p99 {p.P99Ms:0.00} ms errors {p.Errors} online {p.DevicesOnline} edge {p.EdgeCpuPercent:0}% silo {p.SiloCpuPercent:0}% loadgen {p.LoadGeneratorCpuPercent:0}%");
                }
            }

            return await work;
        }

        var table = new Table().Title(Markup.Escape(title)).AddColumns("phase", "req/s", "p50 ms", "p99 ms", "errors/s", "online", "edge CPU %", "silo CPU %", "loadgen CPU %", "edge RSS MiB", "silo RSS MiB");
        await AnsiConsole.Live(table).StartAsync(async context =>
        {
            var shown = -1.0;
            while (!work.IsCompleted)
            {
                await Task.WhenAny(work, Task.Delay(500));
                if (monitor.Latest is { } p && p.Seconds != shown)
                {
                    shown = p.Seconds;
                    if (table.Rows.Count >= 10)
                    {
                        table.Rows.RemoveAt(0);
                    }

                    table.AddRow(p.Phase, $"{p.RequestsPerSecond:0}", $"{p.P50Ms:0.00}", $"{p.P99Ms:0.00}", $"{p.Errors}", $"{p.DevicesOnline}", $"{p.EdgeCpuPercent:0}", $"{p.SiloCpuPercent:0}", $"{p.LoadGeneratorCpuPercent:0}", $"{p.EdgeRssMiB:0}", $"{p.SiloRssMiB:0}");
                    context.Refresh();
                }
            }
        });
        return await work;
    }
}

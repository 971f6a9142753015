using System.Diagnostics;

namespace OrleansRelay.LoadTest.Deployment;

/// <summary>
/// A relay executable (<c>orleansrelay-silo</c>, <c>orleansrelay-edge</c>) run as its own process so its CPU and
/// RSS can be measured apart from the load generator's. Its console goes to <c>&lt;name&gt;.log</c> in the log folder.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TextWriter _log;

    private HostProcess(Process process, TextWriter log, string name)
    {
        _process = process;
        _log = log;
        Name = name;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>dotnet <paramref name="dll"/></c> and waits until <paramref name="healthUrl"/> answers 200.</summary>
    public static async Task<HostProcess> StartAsync(string dll, string name, Uri healthUrl, IEnumerable<string> arguments, string logDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Directory.CreateDirectory(logDirectory);
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(logDirectory, name + ".log"), append: true) { AutoFlush = true });
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, log, name);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with {process.ExitCode}; see {Path.Combine(logDirectory, name + ".log")}.");
            }

            try
            {
                if ((await http.GetAsync(healthUrl, cancellationToken)).IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await host.DisposeAsync();
                throw new TimeoutException($"{name} did not answer {healthUrl} within 90 s.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>kill -9: no goodbye to devices or cluster.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the host shuts down gracefully (the edge drains its devices with <c>shutdown</c>).</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        if (signal is null)
        {
            await KillAsync();
            return;
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void WriteLine(TextWriter log, string? line)
    {
        if (line is not null)
        {
            try
            {
                log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");
            }
            catch (ObjectDisposedException)
            {
                // The host printed its last lines after we stopped listening.
            }
        }
    }
}

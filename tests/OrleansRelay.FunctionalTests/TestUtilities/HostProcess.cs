using System.Diagnostics;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// One of the relay's real executables (built beside the tests) as a separate process, so a test can kill -9 it.
/// Its console goes to <c>host-logs/&lt;name&gt;.log</c> beside the test binaries, for diagnosing failovers afterwards.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, string logPath)
    {
        _process = process;
        LogPath = logPath;
    }

    public int Pid => _process.Id;

    /// <summary>Where the process's console goes.</summary>
    public string LogPath { get; }

    /// <summary>What the process has written to its console so far.</summary>
    public string ReadLog()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Starts <paramref name="project"/>'s <paramref name="assembly"/> and waits for its <c>/healthz</c>; in
    /// <paramref name="workingDirectory"/> when given, else the test's own.
    /// </summary>
    public static async Task<HostProcess> StartAsync(string project, string assembly, string name, int healthPort, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add(Executable(project, assembly));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        var logDirectory = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "host-logs"));
        var logPath = Path.Combine(logDirectory.FullName, $"{name}.log");
        var log = TextWriter.Synchronized(new StreamWriter(logPath) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, logPath);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"{name} exited with {process.ExitCode}; see host-logs/{name}.log.");
                    }

                    try
                    {
                        return (await http.GetAsync($"http://127.0.0.1:{healthPort}/healthz", TestContext.Current.CancellationToken)).IsSuccessStatusCode;
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
                    {
                        // Not listening yet, or too slow to answer within the client's timeout on a loaded machine.
                        return false;
                    }
                },
                $"{name} to answer /healthz on port {healthPort}",
                TimeSpan.FromSeconds(60));
        }
        catch
        {
            // A host that never became healthy must not outlive the test (it would hold its ports and cluster).
            host.Kill();
            throw;
        }

        return host;
    }

    /// <summary>kill -9: no goodbye to anyone.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void WriteLine(TextWriter log, string? line)
    {
        if (line is not null)
        {
            log.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");
        }
    }

    /// <summary>The built <paramref name="assembly"/> of <paramref name="project"/> beside the tests (same configuration).</summary>
    internal static string Executable(string project, string assembly)
    {
        var dll = Path.Combine(RepositoryRoot.Location, project, "bin", RepositoryRoot.Configuration, RepositoryRoot.Framework, assembly + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {assembly} is missing.", dll);
    }
}

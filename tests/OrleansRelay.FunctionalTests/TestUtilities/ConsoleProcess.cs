using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// One of the relay's executables run as a user would from a terminal, in a working directory of the test's choosing:
/// every line it prints (stdout and stderr, in arrival order) is kept, and a test waits for a line to appear.
/// </summary>
internal sealed class ConsoleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource<string> Seen)> _waiters = [];

    private ConsoleProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything printed so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    /// <summary>Starts <paramref name="project"/>'s <paramref name="assembly"/> in <paramref name="workingDirectory"/>.</summary>
    public static ConsoleProcess Start(string project, string assembly, string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(HostProcess.Executable(project, assembly));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // What a terminal user has: no test-host or ASP.NET Core environment settings leaking in.
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        var process = new Process { StartInfo = start };
        var console = new ConsoleProcess(process);
        process.OutputDataReceived += (_, e) => console.Add(e.Data);
        process.ErrorDataReceived += (_, e) => console.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return console;
    }

    /// <summary>The first line (already printed or still to come) that <paramref name="matches"/>.</summary>
    public Task<string> LineAsync(Func<string, bool> matches)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            _waiters.Add((matches, seen));
            if (_lines.FirstOrDefault(matches) is { } line)
            {
                seen.TrySetResult(line);
            }
        }

        return seen.Task;
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_waiters)
        {
            _lines.Enqueue(line);
            foreach (var (matches, seen) in _waiters.Where(w => w.Matches(line)))
            {
                seen.TrySetResult(line);
            }
        }
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
}

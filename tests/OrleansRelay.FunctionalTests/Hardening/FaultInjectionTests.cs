using System.Diagnostics;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Hardening;

/// <summary>
/// Faults under load, the CI size: runs <c>bench/fault-injection.sh --short</c> (its own Redis and MariaDB on free
/// ports, not the test command's: it kills them; two silos, two edges, 200 simulated devices with relay clients,
/// notifications and SSE subscribers, while an edge, a silo, Redis and MariaDB are killed with SIGKILL in turn) and
/// checks its exit code and the summary it writes: every kill recovered, no relayed request hung past the client
/// timeout, no notification lost or duplicated, no device offline at the end.
/// </summary>
public sealed class FaultInjectionTests : IDisposable
{
    /// <summary>The script's own bound (it stops everything it started on SIGTERM); the test waits a little longer.</summary>
    private const int ScriptTimeoutSeconds = 240;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orleansrelay-faults-" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task KillEdgeSiloRedisMariaDbUnderLoad_EverythingRecovers_NothingLostOrHung()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var repository = testBin.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        var report = Path.Combine(_directory, "fault-injection.md");
        var log = Path.Combine(_directory, "script.log");
        Directory.CreateDirectory(_directory);
        var start = new ProcessStartInfo("timeout", ["--signal=TERM", ScriptTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "bash", "-c", $"exec bash bench/fault-injection.sh --short >'{log}' 2>&1"])
        {
            WorkingDirectory = repository,
            UseShellExecute = false,
        };
        start.Environment["CONFIGURATION"] = testBin.Parent!.Name;
        start.Environment["SKIP_BUILD"] = "1";
        start.Environment["REDIS_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["MYSQL_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["SERVICES_DIR"] = Path.Combine(_directory, "services");
        start.Environment["FAULT_DIR"] = Path.Combine(_directory, "runs");
        start.Environment["REPORT"] = report;

        using var script = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var exited = true;
        try
        {
            await script.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(ScriptTimeoutSeconds + 60), TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            exited = false;
            script.Kill(entireProcessTree: true);
        }

        var output = File.Exists(log) ? File.ReadAllText(log) : "(no output)";
        Assert.True(exited, $"the script did not finish:\n{Tail(output)}");
        Assert.True(script.ExitCode == 0, $"the script exited with {script.ExitCode}:\n{Tail(output)}");

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(report, ".json")));
        var root = summary.RootElement;
        var kills = root.GetProperty("kills").EnumerateArray().ToArray();
        Assert.Equal(["edge1", "silo1", "redis", "mariadb"], kills.Select(k => k.GetProperty("target").GetString()));
        Assert.All(kills, k => Assert.Equal(JsonValueKind.Number, k.GetProperty("recoverySeconds").ValueKind));
        Assert.True(root.GetProperty("requestsOk").GetInt64() > 0, "no relayed request succeeded");
        Assert.Equal(0, root.GetProperty("clientTimeouts").GetInt64());
        Assert.True(root.GetProperty("maxLatencyMs").GetDouble() <= root.GetProperty("clientTimeoutMs").GetDouble(), "a request took longer than the client timeout");
        Assert.True(root.GetProperty("notificationsExpected").GetInt64() > 0, "no notification was expected by a subscriber");
        Assert.Equal(0, root.GetProperty("notificationsLost").GetInt64());
        Assert.Equal(0, root.GetProperty("notificationsDuplicated").GetInt64());
        Assert.Equal(root.GetProperty("notificationsSent").GetInt64(), root.GetProperty("notificationsAcknowledged").GetInt64());
        Assert.Equal(0, root.GetProperty("devicesOfflineAtEnd").GetInt32());
        Assert.Empty(root.GetProperty("memoryGrowth").EnumerateArray());
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

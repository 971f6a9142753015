using System.Diagnostics;
using MySqlConnector;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// A MariaDB server of one test's own (same binaries the test command installed, throwaway data directory, free
/// port), so the test can kill it without disturbing the shared instance.
/// </summary>
internal sealed class DedicatedMariaDb : IAsyncDisposable
{
    private readonly Process _server;
    private readonly string _directory;

    private DedicatedMariaDb(Process server, string directory, int port)
    {
        _server = server;
        _directory = directory;
        ConnectionString = $"Server=127.0.0.1;Port={port};User ID=root;Database=relay;Connection Timeout=3;Default Command Timeout=5";
    }

    public string ConnectionString { get; }

    public static async Task<DedicatedMariaDb> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "orleansrelay-mariadb-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var user = Environment.UserName;
        using (var install = Process.Start(Start("mariadb-install-db", $"--user={user}", $"--datadir={directory}/data", "--auth-root-authentication-method=socket"))!)
        {
            await install.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(install.ExitCode == 0, $"mariadb-install-db failed: {await install.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken)}");
        }

        var port = FreePort.Next();
        var server = Process.Start(Start(
            "mariadbd", $"--user={user}", $"--datadir={directory}/data", "--bind-address=127.0.0.1", $"--port={port}",
            $"--socket={directory}/mysqld.sock", $"--pid-file={directory}/pid", "--skip-log-bin", "--skip-grant-tables",
            "--innodb-buffer-pool-size=32M"))!;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var database = new DedicatedMariaDb(server, directory, port);
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await using var connection = new MySqlConnection($"Server=127.0.0.1;Port={port};User ID=root;Connection Timeout=1");
                    await connection.OpenAsync(TestContext.Current.CancellationToken);
                    return true;
                }
                catch (MySqlException)
                {
                    return false;
                }
            },
            "the dedicated MariaDB to accept connections",
            TimeSpan.FromSeconds(60));
        return database;
    }

    /// <summary>kill -9 the server.</summary>
    public void Kill()
    {
        _server.Kill(entireProcessTree: true);
        _server.WaitForExit(10_000);
        MySqlConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            Kill();
        }

        _server.Dispose();
        await Task.Run(() => Directory.Delete(_directory, recursive: true));
    }

    private static ProcessStartInfo Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}

using MySqlConnector;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Fleet;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.Fleet;

/// <summary>
/// The fleet index on MariaDB across failures: it survives a silo restart, a row a lost write left wrong is repaired
/// by the sweeper from the device's grain, and devices of an edge that goes away are shown offline.
/// </summary>
public sealed class FleetIndexFailureTests
{
    [Fact]
    public async Task MySql_SiloRestart_IndexKept_StaleRowRepaired_EdgeGone_AllOffline()
    {
        var connectionString = TestServices.MySqlDatabase(TestServices.NewDatabaseName());
        var storage = new RelayStorageOptions { Provider = StorageProvider.MySql, MySqlConnectionString = connectionString };
        var cluster = TestSilo.NewLocalCluster();
        static void FastSweeps(ISiloBuilder silo) => silo.Services.Configure<FleetIndexOptions>(o => o.SweepInterval = TimeSpan.FromMilliseconds(500));

        var silo = await TestSilo.StartAsync(cluster, storage, FastSweeps);
        TestEdge? edge = null;
        SimulatedFleet? fleet = null;
        try
        {
            edge = await TestEdge.StartAsync(silo.Cluster);
            var ids = Enumerable.Range(0, 8).Select(i => $"dbidx-{i}").ToArray();
            fleet = await SimulatedFleet.ConnectAsync(edge, ids);
            await SimulatedFleet.ProvisionAsync(edge, ["dbidx-offline"], seed: 3);
            await FleetApi.IndexShowsAsync(edge, 9, 8);

            // The silo goes away and another takes its place: the index is the table, read as it was.
            await silo.DisposeAsync();
            silo = await TestSilo.StartAsync(cluster, storage, FastSweeps);
            await FleetApi.IndexShowsAsync(edge, 9, 8, TimeSpan.FromSeconds(60));

            // A write lost with a silo left a device "online" on an edge that does not exist: the sweeper asks the
            // device's grain and writes what it says.
            await using (var connection = new MySqlConnection(connectionString))
            {
                await connection.OpenAsync(TestContext.Current.CancellationToken);
                await using var corrupt = new MySqlCommand("UPDATE OrleansRelayDeviceIndex SET Online = 1, EdgeId = 'edge-that-died', Reason = 'connected' WHERE DeviceId = 'dbidx-offline'", connection);
                Assert.Equal(1, await corrupt.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
            }

            // (Read after the update committed, so 8 online again means the sweeper repaired it.)
            await FleetApi.IndexShowsAsync(edge, 9, 8);
            var repaired = await FleetApi.GetAsync(edge.Client, "/v1/admin/devices?q=dbidx-offline");
            Assert.False(repaired.GetProperty("devices")[0].GetProperty("online").GetBoolean());

            // The edge stops: its devices are offline in the index (read through a second edge).
            await using var reader = await TestEdge.StartAsync(silo.Cluster);
            await edge.DisposeAsync();
            edge = null;
            await FleetApi.IndexShowsAsync(reader, 9, 0);
            var stats = await FleetApi.StatsAsync(reader);
            Assert.Equal(9, stats.GetProperty("offline").GetInt64());
        }
        finally
        {
            if (fleet is not null)
            {
                await fleet.DisposeAsync();
            }

            if (edge is not null)
            {
                await edge.DisposeAsync();
            }

            await silo.DisposeAsync();
        }
    }
}

using System.Net;
using MySqlConnector;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Silo.Storage;

namespace OrleansRelay.FunctionalTests.Cluster;

/// <summary>The production configuration against a real MariaDB and a real Redis.</summary>
public sealed class ProductionClusterTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Schema_AppliedTwice_IsHarmless_AndImplementsTheProviderContract()
    {
        var connectionString = TestServices.MySqlDatabase(TestServices.NewDatabaseName());

        var first = await MySqlSchema.ApplyAsync(connectionString, Token);
        var second = await MySqlSchema.ApplyAsync(connectionString, Token);

        Assert.Equal(first, second);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(Token);
        var keys = new List<string>();
        await using (var command = new MySqlCommand("SELECT QueryKey FROM OrleansQuery ORDER BY QueryKey", connection))
        await using (var reader = await command.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                keys.Add(reader.GetString(0));
            }
        }

        Assert.Equal(["ClearStorageKey", "DeleteStorageKey", "ReadFromStorageKey", "WriteToStorageKey"], keys);
        await using var payloadType = new MySqlCommand(
            "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'OrleansStorage' AND COLUMN_NAME = 'PayloadBinary'", connection);
        Assert.Equal("longblob", (string?)await payloadType.ExecuteScalarAsync(Token));
    }

    [Fact]
    public async Task WriteToStorage_EnforcesOptimisticConcurrency()
    {
        var connectionString = TestServices.MySqlDatabase(TestServices.NewDatabaseName());
        await MySqlSchema.ApplyAsync(connectionString, Token);
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(Token);

        async Task<int?> WriteAsync(int? version, byte[] payload)
        {
            await using var command = new MySqlCommand("CALL WriteToStorage(7, 1, 2, 9, 'device', 'pump-1', 'svc', @v, @p)", connection);
            command.Parameters.AddWithValue("@v", version);
            command.Parameters.AddWithValue("@p", payload);
            var result = await command.ExecuteScalarAsync(Token);
            return result is null or DBNull ? null : Convert.ToInt32(result, System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal(1, await WriteAsync(null, [1]));
        Assert.Null(await WriteAsync(null, [2]));
        Assert.Equal(2, await WriteAsync(1, [3]));
        Assert.Equal(1, await WriteAsync(1, [4]));
        Assert.Equal(3, await WriteAsync(2, new byte[200_000]));
    }

    [Fact]
    public async Task DeviceRegistration_SurvivesARestartOfEverything_InMariaDb()
    {
        var storage = new RelayStorageOptions { Provider = StorageProvider.MySql, MySqlConnectionString = TestServices.MySqlDatabase(TestServices.NewDatabaseName()) };
        var cluster = TestSilo.NewLocalCluster();
        string secret;
        await using (var silo = await TestSilo.StartAsync(cluster, storage))
        await using (var edge = await TestEdge.StartAsync(cluster))
        {
            secret = await edge.ProvisionAsync("persisted-1");
        }

        await using var restartedSilo = await TestSilo.StartAsync(cluster with { SiloPort = FreePort.Next(), GatewayPort = FreePort.Next() }, storage);
        await using var restartedEdge = await TestEdge.StartAsync(restartedSilo.Cluster);
        await using var service = await TestDeviceService.StartAsync();
        await using var daemon = await TestDaemon.StartAsync("persisted-1", secret, service.BaseUri, restartedEdge.DevicePort);
        using var response = await restartedEdge.Client.GetAsync("/v1/devices/persisted-1/api/device", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await restartedEdge.StatusAsync("persisted-1")).GetProperty("online").GetBoolean());
        await using var connection = new MySqlConnection(storage.MySqlConnectionString);
        await connection.OpenAsync(Token);
        // One row for the device (its owner's account and confirmation link, written one-way, have rows of their own).
        await using var rows = new MySqlCommand(
            "SELECT COUNT(*) FROM OrleansStorage WHERE PayloadBinary IS NOT NULL AND GrainTypeString NOT LIKE '%account%' AND GrainTypeString NOT LIKE '%confirmation%'",
            connection);
        Assert.Equal(1L, await rows.ExecuteScalarAsync(Token));
    }

    [Fact]
    public async Task RedisClustering_SiloAndEdgeFindEachOther_AndRelay()
    {
        var cluster = TestSilo.NewLocalCluster() with
        {
            Mode = ClusterMode.Redis,
            RedisConnectionString = TestServices.Redis,
            AdvertisedAddress = "127.0.0.1",
        };
        await using var silo = await TestSilo.StartAsync(cluster, new RelayStorageOptions());
        await using var edge = await TestEdge.StartAsync(cluster);
        await using var service = await TestDeviceService.StartAsync();
        var secret = await edge.ProvisionAsync("redis-1");
        await using var daemon = await TestDaemon.StartAsync("redis-1", secret, service.BaseUri, edge.DevicePort);

        using var response = await edge.Client.GetAsync("/v1/devices/redis-1/api/echo/through-redis", Token);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(TestServices.Redis);
        var membership = await redis.GetDatabase().HashGetAllAsync($"{cluster.ServiceId}/members/{cluster.ClusterId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(membership, entry => entry.Name == "Version");
        Assert.Contains(membership, entry => entry.Value.ToString().Contains("127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DatabaseDown_ProvisioningAnswers503WithTheReason_AndRelayingToConnectedDevicesContinues()
    {
        await using var database = await DedicatedMariaDb.StartAsync();
        var storage = new RelayStorageOptions { Provider = StorageProvider.MySql, MySqlConnectionString = database.ConnectionString };
        await using var silo = await TestSilo.StartAsync(TestSilo.NewLocalCluster(), storage);
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        await using var service = await TestDeviceService.StartAsync();
        var secret = await edge.ProvisionAsync("db-down-1");
        await using var daemon = await TestDaemon.StartAsync("db-down-1", secret, service.BaseUri, edge.DevicePort);

        database.Kill();
        using var provision = await edge.Client.PostAsync(
            "/v1/admin/devices", new StringContent("""{"deviceId":"db-down-2"}""", System.Text.Encoding.UTF8, "application/json"), Token);
        using var relay = await edge.Client.GetAsync("/v1/devices/db-down-1/api/echo/still-here", Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, provision.StatusCode);
        Assert.Contains("registry is unavailable", await provision.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, relay.StatusCode);
    }
}

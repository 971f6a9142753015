using System.Net;
using System.Text.Json;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.Accounts;

/// <summary>Accounts in MariaDB: a confirmed account, its password and its tokens survive a whole-cluster restart.</summary>
public sealed class AccountPersistenceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MySqlStorage_ClusterRestart_AccountPasswordAndTokensSurvive_NoSecondMail()
    {
        var storage = new RelayStorageOptions { Provider = StorageProvider.MySql, MySqlConnectionString = TestServices.MySqlDatabase(TestServices.NewDatabaseName()) };
        var email = AccountFixture.NewEmail("olivia");
        var deviceId = "acct-db-" + Guid.NewGuid().ToString("N")[..8];
        await using var service = await AccountDeviceService.StartAsync(email);
        string secret;
        string token;
        await using (var silo = await AccountFixture.StartSiloAsync(TimeSpan.FromHours(1), storage))
        await using (var edge = await TestEdge.StartAsync(silo.Cluster, AccountFixture.EdgeSettings()))
        {
            secret = await edge.ProvisionAsync(deviceId);
            await using (await TestDaemon.StartAsync(deviceId, secret, service.BaseUri, edge.DevicePort))
            {
                var confirmationId = await AccountFixture.ConfirmationMailAsync(email);
                using var anonymous = AccountFixture.Anonymous(edge);
                using var set = await AccountFixture.SetPasswordAsync(anonymous, confirmationId, AccountFixture.Password);
                Assert.Equal(HttpStatusCode.OK, set.StatusCode);
                token = await AccountFixture.SignInAsync(anonymous, email);
            }
        }

        await using var silo2 = await AccountFixture.StartSiloAsync(TimeSpan.FromHours(1), storage);
        await using var edge2 = await TestEdge.StartAsync(silo2.Cluster, AccountFixture.EdgeSettings());
        using var user = AccountFixture.Anonymous(edge2, token);
        var list = JsonDocument.Parse(await user.GetStringAsync("/v1/devices/list", Ct)).RootElement.GetProperty("devices");
        var device = Assert.Single(list.EnumerateArray());
        Assert.Equal(deviceId, device.GetProperty("id").GetString());
        Assert.False(device.GetProperty("online").GetBoolean());

        await using var daemon = await TestDaemon.StartAsync(deviceId, secret, service.BaseUri, edge2.DevicePort);
        Assert.Equal("hi", await user.GetStringAsync($"/v1/devices/{deviceId}/api/hello", Ct));
        using var anonymous2 = AccountFixture.Anonymous(edge2);
        await AccountFixture.SignInAsync(anonymous2, email);
        Assert.Single(MailSink.To(email));
    }
}

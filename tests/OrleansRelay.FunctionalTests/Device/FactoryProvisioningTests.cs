using System.Net;
using System.Net.Http.Json;
using OrleansRelay.Device.Cli;
using OrleansRelay.Device.Provisioning;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Device;

/// <summary>Factory provisioning end to end: the station registers the device, the identity file is 0600, the daemon connects with it.</summary>
[Collection(RelayCollection.Name)]
public sealed class FactoryProvisioningTests(RelayFixture fixture) : IDisposable
{
    private const string FactoryKey = "factory-key-0123456789";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("orleansrelay-factory-");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private Task<TestEdge> StartFactoryEdgeAsync() =>
        TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?> { ["Edge:FactoryKey"] = FactoryKey });

    [Fact]
    public async Task FactoryStation_RegistersTheDevice_WritesA0600IdentityFile_AndTheDaemonConnectsWithIt()
    {
        await using var edge = await StartFactoryEdgeAsync();
        var chipId = Path.Combine(_directory.FullName, "serial-number");
        await File.WriteAllTextAsync(chipId, "factory-0001\0\n", Token);
        var identityPath = Path.Combine(_directory.FullName, "identity.json");

        var exit = await DeviceCommand.Create().Parse(
        [
            "provision", "--relay", $"http://{edge.HttpEndPoint}", "--factory-key", FactoryKey,
            "--device-id-file", chipId, "--identity-file", identityPath, "--name", "Factory unit 1",
        ]).InvokeAsync(cancellationToken: Token);

        Assert.Equal(0, exit);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(identityPath));
        var identity = DeviceIdentity.Load(identityPath);
        Assert.Equal("factory-0001", identity.DeviceId);
        Assert.Empty(_directory.GetFiles(".*.tmp"));

        await using var daemon = TestDaemon.Launch(TestDaemon.Options(identity.DeviceId, identity.Secret, fixture.Service.BaseUri, edge.DevicePort));
        await Eventually.TrueAsync(() => daemon.AcceptedSessions == 1, "the provisioned daemon to connect");
        using var relayed = await edge.Client.GetAsync("/v1/devices/factory-0001/api/device", Token);
        Assert.Equal(HttpStatusCode.OK, relayed.StatusCode);
    }

    [Fact]
    public async Task FactoryEndpoint_RefusesWrongKeys_ReRegistration_AndIsOffWithoutAKey()
    {
        await using var edge = await StartFactoryEdgeAsync();
        using var http = new HttpClient();
        var relay = new Uri($"http://{edge.HttpEndPoint}");

        var wrongKey = await Assert.ThrowsAsync<FactoryProvisioningException>(() => FactoryClient.RegisterAsync(http, relay, "not-the-factory-key", "factory-0002", null, Token));
        await FactoryClient.RegisterAsync(http, relay, FactoryKey, "factory-0002", null, Token);
        var again = await Assert.ThrowsAsync<FactoryProvisioningException>(() => FactoryClient.RegisterAsync(http, relay, FactoryKey, "factory-0002", null, Token));
        using var adminKeyAtFactory = new HttpRequestMessage(HttpMethod.Post, new Uri(relay, FactoryClient.Path)) { Content = JsonContent.Create(new { deviceId = "factory-0003" }) };
        adminKeyAtFactory.Headers.Add(FactoryClient.KeyHeader, TestEdge.AdminKey);
        using var refused = await http.SendAsync(adminKeyAtFactory, Token);
        var disabled = await Assert.ThrowsAsync<FactoryProvisioningException>(() =>
            FactoryClient.RegisterAsync(http, new Uri($"http://{fixture.Edge.HttpEndPoint}"), FactoryKey, "factory-0004", null, Token));

        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, disabled.Status);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}

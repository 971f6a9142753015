using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.FunctionalTests.Edge;

[Collection(RelayCollection.Name)]
public sealed class ProvisioningTests(RelayFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Provision_ReturnsTheSecretOnce_ThenConflict()
    {
        var secret = await fixture.Edge.ProvisionAsync("prov-1");
        using var again = await fixture.Edge.Client.PostAsJsonAsync("/v1/admin/devices", new { deviceId = "prov-1" }, Token);
        var status = await fixture.Edge.StatusAsync("prov-1");

        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.DoesNotContain(secret, await again.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        Assert.False(status.GetProperty("online").GetBoolean());
        Assert.DoesNotContain(secret, status.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"deviceId":"has space"}""")]
    [InlineData("""{"deviceId":""}""")]
    [InlineData("""{}""")]
    public async Task Provision_InvalidId_Is400(string body)
    {
        using var response = await fixture.Edge.Client.PostAsync("/v1/admin/devices", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Provision_WithoutAdminKey_Is401()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Edge.Client.BaseAddress };

        using var response = await anonymous.PostAsJsonAsync("/v1/admin/devices", new { deviceId = "sneaky" }, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Edge.Client.GetAsync("/v1/admin/devices/sneaky", Token)).StatusCode);
    }

    [Fact]
    public async Task RotateSecret_ClosesTheLiveSession_AndOnlyTheNewSecretWorks()
    {
        var oldSecret = await fixture.Edge.ProvisionAsync("rot-1");
        await using var device = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        Assert.Equal(FrameType.Accept, (await device.HandshakeAsync("rot-1", oldSecret)).Type);

        using var rotate = await fixture.Edge.Client.PostAsync("/v1/admin/devices/rot-1/secret", null, Token);
        var newSecret = (await rotate.Content.ReadFromJsonAsync<Dictionary<string, string>>(Token))!["secret"];
        var goAway = HandshakeJson.Parse(new ReadOnlySequence<byte>(await device.ReadUntilAsync(FrameType.GoAway)), WireJsonContext.Default.CloseMessage);

        Assert.Equal(CloseCodes.CredentialsRevoked, goAway.Code);
        await using var withOld = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        Assert.Equal(FrameType.Reject, (await withOld.HandshakeAsync("rot-1", oldSecret)).Type);
        await using var withNew = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        Assert.Equal(FrameType.Accept, (await withNew.HandshakeAsync("rot-1", newSecret)).Type);
    }

    [Fact]
    public async Task Deregister_RemovesTheDevice()
    {
        await fixture.Edge.ProvisionAsync("gone-1");

        using var deleted = await fixture.Edge.Client.DeleteAsync("/v1/admin/devices/gone-1", Token);
        using var status = await fixture.Edge.Client.GetAsync("/v1/admin/devices/gone-1", Token);
        using var relay = await fixture.Edge.Client.GetAsync("/v1/devices/gone-1/api/x", Token);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, relay.StatusCode);
    }

    [Fact]
    public async Task ProvisionCommand_WritesTheSecretToAnOwnerOnlyFile_ThatTheDaemonCanUse()
    {
        var file = Path.Combine(Path.GetTempPath(), $"orleansrelay-{Guid.NewGuid():N}.secret");
        try
        {
            var exit = await ProvisionCommand.Create().Parse(
            [
                "--url", fixture.Edge.Client.BaseAddress!.ToString(),
                "--admin-key", TestEdge.AdminKey,
                "--device-id", "cli-1",
                "--secret-file", file,
            ]).InvokeAsync(cancellationToken: Token);

            Assert.Equal(0, exit);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            var secret = (await File.ReadAllTextAsync(file, Token)).Trim();
            await using var device = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
            Assert.Equal(FrameType.Accept, (await device.HandshakeAsync("cli-1", secret)).Type);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

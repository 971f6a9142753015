using System.Net;
using System.Text.Json;
using OrleansRelay.Device;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Device;

/// <summary>The daemon's local control endpoint over real sockets: errors are JSON bodies with clear statuses.</summary>
[Collection(RelayCollection.Name)]
public sealed class LocalControlTests(RelayFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<(int Error, string Message)> ErrorOf(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        return (json.RootElement.GetProperty("error").GetInt32(), json.RootElement.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task ControlErrors_AreJsonBodies_WithClearStatuses()
    {
        var port = FreePort.Next();
        await using var control = await LocalControlServer.StartAsync(port, fixture.Daemon.Daemon, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        using var unknown = await client.PostAsync("/elsewhere", new StringContent("{}"), Token);
        using var get = await client.GetAsync("/cache/invalidate", Token);
        using var notJson = await client.PostAsync("/cache/invalidate", new StringContent("paths?"), Token);
        using var tooLarge = await client.PostAsync("/cache/invalidate", new ByteArrayContent(new byte[LocalControlServer.MaxBodyBytes + 1]), Token);
        using var accepted = await client.PostAsync("/cache/invalidate", new StringContent("{\"paths\":[\"/zones/1\",\"/zones/2\"]}"), Token);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal((404, "Unknown path; POST /cache/invalidate or /notifications."), await ErrorOf(unknown));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal((405, "Use POST."), await ErrorOf(get));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.StartsWith("Body must be", (await ErrorOf(notJson)).Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal((413, $"Body over {LocalControlServer.MaxBodyBytes} bytes."), await ErrorOf(tooLarge));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("{\"queued\":2}", await accepted.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Control_ListensOnLoopbackOnly()
    {
        var port = FreePort.Next();
        await using var control = await LocalControlServer.StartAsync(port, fixture.Daemon.Daemon, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);

        // Another loopback address of the same host: a listener on 0.0.0.0 would accept it, one on 127.0.0.1 does not.
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => socket.ConnectAsync(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port), Token).AsTask());
    }
}

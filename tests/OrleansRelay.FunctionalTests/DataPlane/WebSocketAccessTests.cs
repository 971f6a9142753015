using System.Net;
using System.Net.WebSockets;
using OrleansRelay.FunctionalTests.Accounts;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.DataPlane;

/// <summary>
/// Issue 14: a WebSocket to a device gets the same authentication and 404 isolation as any relayed request, decided
/// before any upgrade: nothing reaches the device.
/// </summary>
[Collection(AccountCollection.Name)]
public sealed class WebSocketAccessTests(AccountFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WebSocket_UserWithoutAccess_Gets404BeforeAnyUpgrade_AndNoCredentials401_OnEitherEdge()
    {
        var (stranger, ownDevice, _) = await fixture.ConfirmedDeviceAsync("ws-stranger");
        await using var service = await StreamingDeviceService.StartAsync("target");
        var target = "ws-target-" + Guid.NewGuid().ToString("N")[..10];
        await using var daemon = await TestDaemon.StartAsync(target, await fixture.EdgeA.ProvisionAsync(target), service.BaseUri, fixture.EdgeA.DevicePort);
        using var anonymous = AccountFixture.Anonymous(fixture.EdgeA);
        var token = await AccountFixture.SignInAsync(anonymous, stranger);
        using var user = AccountFixture.Anonymous(fixture.EdgeB, token);

        // The token is good (it reaches the stranger's own device) and the target is online (the operator reaches it).
        Assert.Equal("hi", await user.GetStringAsync(DataPlaneHttp.Api(ownDevice, "hello"), Token));
        Assert.Equal("target", await fixture.EdgeB.Client.GetStringAsync(DataPlaneHttp.Api(target, "whoami"), Token));

        foreach (var edge in new[] { fixture.EdgeA, fixture.EdgeB })
        {
            foreach (var (bearer, device, expected) in new[]
            {
                ((string?)token, target, HttpStatusCode.NotFound),
                (token, "ws-no-such-device", HttpStatusCode.NotFound),
                (null, target, HttpStatusCode.Unauthorized),
            })
            {
                using var socket = new ClientWebSocket();
                socket.Options.CollectHttpResponseDetails = true;
                if (bearer is not null)
                {
                    socket.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
                }

                var uri = DataPlaneHttp.WebSocketUri(edge.HttpEndPoint, device, "ws/echo?conn=stranger");
                await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(uri, Token));
                Assert.True(socket.HttpStatusCode == expected, $"{uri} with {(bearer is null ? "no credentials" : "the stranger's token")}: {(int)socket.HttpStatusCode}, expected {(int)expected}");
            }
        }

        Assert.Equal(0, service.WebSocketRequests);
    }
}

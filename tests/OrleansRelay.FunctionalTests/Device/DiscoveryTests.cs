using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using OrleansRelay.Device.Discovery;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Device;

/// <summary>LAN discovery over real UDP sockets on loopback (unicast probe; broadcast behaves the same on a LAN, see docs/device.md).</summary>
public sealed class DiscoveryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static int FreeUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }

    private static DiscoveryResponder Start(int replyPort) => DiscoveryResponder.Start(
        new DiscoveryOptions
        {
            BindAddress = IPAddress.Loopback,
            Port = 0,
            ReplyPort = replyPort,
            Name = "Kitchen thermostat",
            RestApi = new Uri("http://0.0.0.0:8780/"),
        },
        Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);

    [Fact]
    public async Task Probe_IsAnsweredToTheSendersReplyPort_InTheExactFormat()
    {
        using var prober = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var replyPort = ((IPEndPoint)prober.Client.LocalEndPoint!).Port;
        await using var responder = Start(replyPort);

        await prober.SendAsync(Encoding.UTF8.GetBytes("CloudREST || DISCOVER"), responder.LocalEndPoint, Token);
        var reply = await Eventually.Within(prober.ReceiveAsync(Token).AsTask(), "the discovery reply");

        var text = Encoding.UTF8.GetString(reply.Buffer);
        TestContext.Current.SendDiagnosticMessage($"Discovery reply: {text}");
        Assert.Matches(new Regex("^CloudREST \\|\\| ([0-9a-f]{2}:){5}[0-9a-f]{2} \\|\\| Kitchen thermostat \\|\\| http://127\\.0\\.0\\.1:8780/$"), text);
        Assert.Equal(responder.LocalEndPoint, reply.RemoteEndPoint);
    }

    [Fact]
    public async Task DiscoverClient_ListsTheDevice_AndOtherDatagramsAreIgnored()
    {
        var replyPort = FreeUdpPort();
        await using var responder = Start(replyPort);
        using (var stranger = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            await stranger.SendAsync(Encoding.UTF8.GetBytes("CloudREST || something else"), responder.LocalEndPoint, Token);
        }

        var devices = await DiscoveryClient.ProbeAsync(responder.LocalEndPoint, replyPort, TimeSpan.FromSeconds(10), Token, stopAfter: 1);

        var device = Assert.Single(devices);
        Assert.Equal("Kitchen thermostat", device.Name);
        Assert.Equal(new Uri("http://127.0.0.1:8780/"), device.RestApi);
        Assert.Equal(responder.ReplyFor(IPAddress.Loopback), device.ToString());
    }
}

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

    private static DiscoveryResponder Start(int replyPort, int repliesPerSender = 4) => DiscoveryResponder.Start(
        new DiscoveryOptions
        {
            BindAddress = IPAddress.Loopback,
            Port = 0,
            ReplyPort = replyPort,
            Name = "Kitchen thermostat",
            RestApi = new Uri("http://0.0.0.0:8780/"),
            RepliesPerSender = repliesPerSender,
            // No refill within a test: what a sender gets is exactly its burst.
            ReplyRefillInterval = TimeSpan.FromHours(1),
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
    public async Task DiscoverClient_ListsTheDevice()
    {
        var replyPort = FreeUdpPort();
        await using var responder = Start(replyPort);

        var devices = await DiscoveryClient.ProbeAsync(responder.LocalEndPoint, replyPort, TimeSpan.FromSeconds(10), Token, stopAfter: 1);

        var device = Assert.Single(devices);
        Assert.Equal("Kitchen thermostat", device.Name);
        Assert.Equal(new Uri("http://127.0.0.1:8780/"), device.RestApi);
        Assert.Equal(responder.ReplyFor(IPAddress.Loopback), device.ToString());
    }

    /// <summary>The thesis's clients send any "dummy message": an empty datagram, a word, bytes that are not text.</summary>
    [Theory]
    [InlineData("empty")]
    [InlineData("a word")]
    [InlineData("another CloudREST text")]
    [InlineData("binary")]
    public async Task AnyDatagram_IsAnsweredAsAProbe(string kind)
    {
        using var prober = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        await using var responder = Start(((IPEndPoint)prober.Client.LocalEndPoint!).Port);

        byte[] probe = kind switch
        {
            "empty" => [],
            "a word" => "hello"u8.ToArray(),
            "another CloudREST text" => "CloudREST || something else"u8.ToArray(),
            _ => [0xff, 0x00, 0x01],
        };
        await prober.SendAsync(probe, responder.LocalEndPoint, Token);
        var reply = await Eventually.Within(prober.ReceiveAsync(Token).AsTask(), "the discovery reply");

        Assert.Equal(responder.ReplyFor(IPAddress.Loopback), Encoding.UTF8.GetString(reply.Buffer));
    }

    /// <summary>
    /// A flood from one address gets only that address's burst of replies (a forged source cannot turn the device into a
    /// reflector), while another address is still answered. The responder handles datagrams in order, so once the second
    /// sender's reply is in, every reply the flood earned has been delivered to the first sender's socket.
    /// </summary>
    [Fact]
    public async Task ProbeFlood_FromOneAddress_GetsOnlyItsBurst_OtherSendersStillAnswered()
    {
        var replyPort = FreeUdpPort();
        using var flooder = new UdpClient(new IPEndPoint(IPAddress.Loopback, replyPort));
        using var neighbour = new UdpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), replyPort));
        await using var responder = Start(replyPort, repliesPerSender: 2);

        for (var i = 0; i < 20; i++)
        {
            await flooder.SendAsync(Encoding.UTF8.GetBytes("CloudREST || DISCOVER"), responder.LocalEndPoint, Token);
        }

        await neighbour.SendAsync(Encoding.UTF8.GetBytes("CloudREST || DISCOVER"), responder.LocalEndPoint, Token);
        var neighbourReply = await Eventually.Within(neighbour.ReceiveAsync(Token).AsTask(), "the other sender's reply");
        Assert.Equal(responder.ReplyFor(IPAddress.Parse("127.0.0.2")), Encoding.UTF8.GetString(neighbourReply.Buffer));

        var floodReplies = 0;
        while (flooder.Available > 0)
        {
            await flooder.ReceiveAsync(Token);
            floodReplies++;
        }

        Assert.Equal(2, floodReplies);
    }
}

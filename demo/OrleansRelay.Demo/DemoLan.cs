using System.Net;
using OrleansRelay.Device;
using OrleansRelay.Device.Discovery;
using OrleansRelay.Device.Lan;

namespace OrleansRelay.Demo;

/// <summary>
/// The demo device's LAN mode, as a device runs it next to the relay: the daemon's LAN listener (the device's API
/// without the relay, <c>Demo:LanPort</c>, 8780) and its discovery responder (<c>Demo:DiscoveryPort</c>, UDP 15800),
/// both on the edge's bind address (127.0.0.1 unless <c>--Edge:BindAddress</c> says otherwise). Port 0 turns either off.
/// </summary>
public sealed class DemoLan : IAsyncDisposable
{
    private DemoLan(LanAccessServer? lan, DiscoveryResponder? discovery, Uri? lanUrl)
    {
        Lan = lan;
        Discovery = discovery;
        LanUrl = lanUrl;
    }

    /// <summary>The LAN listener, when on.</summary>
    public LanAccessServer? Lan { get; }

    /// <summary>The discovery responder, when on (it needs the LAN listener: its replies name the LAN URL).</summary>
    public DiscoveryResponder? Discovery { get; }

    /// <summary>The device's API on the LAN, e.g. <c>http://127.0.0.1:8780/</c>.</summary>
    public Uri? LanUrl { get; }

    /// <summary>Starts what the configuration turns on.</summary>
    /// <exception cref="IOException">The LAN port is taken.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">The discovery port is taken.</exception>
    public static async Task<DemoLan> StartAsync(IConfiguration configuration, DeviceDaemon daemon, ILoggerFactory loggers)
    {
        var address = IPAddress.Parse(configuration["Edge:BindAddress"] ?? "127.0.0.1");
        var lanPort = configuration.GetValue("Demo:LanPort", LanAccessOptions.SuggestedPort);
        if (lanPort <= 0)
        {
            return new DemoLan(null, null, null);
        }

        var lan = await LanAccessServer.StartAsync(new LanAccessOptions { BindAddress = address, Port = lanPort }, daemon, loggers);
        var everywhere = address.Equals(IPAddress.Any);
        var lanUrl = new Uri($"{lan.Scheme}://{(everywhere ? IPAddress.Loopback : address)}:{lan.LocalEndPoint.Port}/");
        var discoveryPort = configuration.GetValue("Demo:DiscoveryPort", DiscoveryMessages.ProbePort);
        if (discoveryPort <= 0)
        {
            return new DemoLan(lan, null, lanUrl);
        }

        try
        {
            var discovery = DiscoveryResponder.Start(
                new DiscoveryOptions
                {
                    BindAddress = address,
                    Port = discoveryPort,
                    ReplyPort = configuration.GetValue("Demo:DiscoveryReplyPort", DiscoveryMessages.ReplyPort),
                    Name = "Demo irrigation controller",
                    // 0.0.0.0: each reply names this host's address on the interface that reaches the prober.
                    RestApi = everywhere ? new Uri($"{lan.Scheme}://0.0.0.0:{lan.LocalEndPoint.Port}/") : lanUrl,
                },
                loggers);
            return new DemoLan(lan, discovery, lanUrl);
        }
        catch
        {
            await lan.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Discovery is not null)
        {
            await Discovery.DisposeAsync();
        }

        if (Lan is not null)
        {
            await Lan.DisposeAsync();
        }
    }
}

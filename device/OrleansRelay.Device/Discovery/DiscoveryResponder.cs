using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace OrleansRelay.Device.Discovery;

/// <summary>
/// Answers LAN discovery probes (see <see cref="DiscoveryMessages"/>): any datagram is a probe, as the thesis's
/// clients send "a dummy message" (the documented <c>CloudREST || DISCOVER</c> is one). Each gets one reply datagram to
/// the sender's UDP 15900, as long as the sender's address has replies left (<see cref="ReplyRateLimiter"/>): a reply
/// is larger than a probe, so unlimited replies would reflect traffic at whoever a forged source address names.
/// </summary>
public sealed partial class DiscoveryResponder : IAsyncDisposable
{
    private readonly DiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly UdpClient _udp;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly string _mac;
    private readonly ReplyRateLimiter _limiter;

    private DiscoveryResponder(DiscoveryOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _mac = PrimaryMac();
        _limiter = new ReplyRateLimiter(options.RepliesPerSender, options.ReplyRefillInterval);
        _udp = new UdpClient(new IPEndPoint(options.BindAddress, options.Port)) { EnableBroadcast = true };
        LocalEndPoint = (IPEndPoint)_udp.Client.LocalEndPoint!;
        Log.Listening(_logger, LocalEndPoint.ToString(), _mac);
        _loop = Task.Run(ReceiveLoopAsync);
    }

    /// <summary>Where probes are received.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Starts answering probes.</summary>
    /// <exception cref="SocketException">The port is taken.</exception>
    public static DiscoveryResponder Start(DiscoveryOptions options, ILoggerFactory loggers) =>
        new(options, loggers.CreateLogger<DiscoveryResponder>());

    /// <summary>The reply this device sends to a prober at <paramref name="prober"/>.</summary>
    public string ReplyFor(IPAddress prober) => DiscoveryMessages.Reply(_mac, _options.Name, AdvertisedUrl(prober));

    private async Task ReceiveLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _udp.ReceiveAsync(_stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // ICMP port unreachable from an earlier reply surfaces here on some stacks; keep listening.
                Log.ReceiveFailed(_logger, ex.Message);
                continue;
            }

            if (!_limiter.TryTake(datagram.RemoteEndPoint.Address))
            {
                Log.RateLimited(_logger, datagram.RemoteEndPoint.ToString(), datagram.Buffer.Length);
                continue;
            }

            var reply = ReplyFor(datagram.RemoteEndPoint.Address);
            var target = new IPEndPoint(datagram.RemoteEndPoint.Address, _options.ReplyPort);
            try
            {
                await _udp.SendAsync(Encoding.UTF8.GetBytes(reply), target, _stopping.Token);
                Log.Answered(_logger, target.ToString(), reply);
            }
            catch (SocketException ex)
            {
                Log.ReceiveFailed(_logger, ex.Message);
            }
        }
    }

    private Uri AdvertisedUrl(IPAddress prober)
    {
        var url = _options.RestApi;
        if (url.Host is not ("0.0.0.0" or "*" or "+" or "[::]"))
        {
            return url;
        }

        return new UriBuilder(url) { Host = LocalAddressToward(prober).ToString() }.Uri;
    }

    /// <summary>This host's address on the route to <paramref name="peer"/> (a connected UDP socket sends nothing).</summary>
    private static IPAddress LocalAddressToward(IPAddress peer)
    {
        try
        {
            using var probe = new Socket(peer.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            probe.Connect(peer, DiscoveryMessages.ReplyPort);
            return ((IPEndPoint)probe.LocalEndPoint!).Address;
        }
        catch (SocketException)
        {
            return IPAddress.Loopback;
        }
    }

    /// <summary>The MAC of the first interface that is up and not loopback, as <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    private static string PrimaryMac()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .Select(n => n.GetPhysicalAddress().GetAddressBytes())
            .FirstOrDefault(bytes => bytes.Length == 6 && bytes.Any(b => b != 0)) ?? new byte[6];
        return string.Join(':', address.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _udp.Dispose();
        await _loop;
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(4400, LogLevel.Information, "Discovery: answering probes on UDP {EndPoint} (MAC {Mac})")]
        public static partial void Listening(ILogger logger, string endPoint, string mac);

        [LoggerMessage(4401, LogLevel.Information, "Discovery: answered {Target}: {Reply}")]
        public static partial void Answered(ILogger logger, string target, string reply);

        [LoggerMessage(4404, LogLevel.Debug, "Discovery: not answering the {Bytes}-byte probe from {Remote}: that address has no replies left for now")]
        public static partial void RateLimited(ILogger logger, string remote, int bytes);

        [LoggerMessage(4403, LogLevel.Debug, "Discovery: socket error: {Detail}")]
        public static partial void ReceiveFailed(ILogger logger, string detail);
    }
}

using System.Net;
using System.Net.Sockets;

namespace OrleansRelay.Device.Discovery;

/// <summary>Finds devices on the LAN: sends a probe (broadcast by default) and collects replies until a deadline.</summary>
public static class DiscoveryClient
{
    /// <summary>
    /// Sends one probe to <paramref name="target"/> and returns the distinct replies that arrive on UDP
    /// <paramref name="replyPort"/> within <paramref name="wait"/>, in arrival order.
    /// </summary>
    /// <param name="target">Where to send the probe: the broadcast address and port 15800, or one device.</param>
    /// <param name="replyPort">Local UDP port replies arrive on (15900 in the protocol).</param>
    /// <param name="wait">How long to collect replies.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="stopAfter">Return as soon as this many devices answered (null: wait the whole time).</param>
    /// <exception cref="SocketException">The reply port is taken.</exception>
    public static async Task<IReadOnlyList<DiscoveredDevice>> ProbeAsync(
        IPEndPoint target, int replyPort, TimeSpan wait, CancellationToken cancellationToken, int? stopAfter = null)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Any, replyPort)) { EnableBroadcast = true };
        await udp.SendAsync(DiscoveryMessages.ProbeBytes.ToArray(), target, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(wait);
        var found = new List<DiscoveredDevice>();
        while (true)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await udp.ReceiveAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return found;
            }

            if (DiscoveryMessages.TryParseReply(datagram.Buffer, out var device) && !found.Contains(device))
            {
                found.Add(device);
                if (found.Count == stopAfter)
                {
                    return found;
                }
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// A free loopback port, for listeners that a separate process (or a restart) binds later. Ports come from below the
/// kernel's ephemeral range (32768–60999 here): a port the kernel handed out with bind(0) could be handed out again as
/// the source port of any outgoing connection before the process that was told about it binds it ("address already
/// in use" in a busy parallel test run). Within this test process each port is handed out once.
/// </summary>
internal static class FreePort
{
    private const int First = 20000;
    private const int Count = 12000;
    private static int _next = Random.Shared.Next(Count);

    public static int Next()
    {
        for (var attempt = 0; attempt < Count; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref _next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // In use by someone else: the next one.
            }
        }

        throw new InvalidOperationException($"No free loopback port in {First}-{First + Count - 1}.");
    }
}

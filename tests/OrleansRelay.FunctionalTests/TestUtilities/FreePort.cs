using System.Net;
using System.Net.Sockets;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>A free loopback port, for listeners that must come back on the same port (edge restarts, silo ports).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

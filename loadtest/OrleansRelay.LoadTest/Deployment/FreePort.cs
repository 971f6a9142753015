using System.Net;
using System.Net.Sockets;

namespace OrleansRelay.LoadTest.Deployment;

/// <summary>A free TCP port on 127.0.0.1 (asked of the OS, then released).</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

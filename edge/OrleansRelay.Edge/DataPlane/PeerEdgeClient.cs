using System.Net;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;
using Yarp.ReverseProxy.Forwarder;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// The one pooled, multiplexed client this edge uses to reach its peers' data planes: HTTP/2 over cleartext (prior
/// knowledge), many streams per connection, no per-request connection setup; HTTP/1.1 only for upgrades, which take a
/// connection of their own. HTTP/2 pings find a peer that vanished without closing its sockets within a few seconds.
/// </summary>
internal sealed class PeerEdgeClient : IDisposable
{
    static PeerEdgeClient()
    {
        AppContext.SetSwitch("System.Net.SocketsHttpHandler.Http2FlowControl.DisableDynamicWindowSizing", true);
    }

    public PeerEdgeClient(IOptions<EdgeOptions> options)
    {
        var idle = options.Value.DataPlaneIdleTimeout;
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            // A fixed per-stream window bounds what one relayed body can hold in this edge's memory (the default
            // grows to 16 MiB per stream); 1 MiB still fills loopback and LAN links.
            InitialHttp2StreamWindowSize = 1024 * 1024,
            ConnectTimeout = TimeSpan.FromSeconds(3),
            KeepAlivePingDelay = TimeSpan.FromSeconds(2),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(2),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ActivityHeadersPropagator = null,
        });
        Requests = new ForwarderRequestConfig { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact, ActivityTimeout = idle };
        Upgrades = new ForwarderRequestConfig { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact, ActivityTimeout = idle };
    }

    public HttpMessageInvoker Invoker { get; }

    /// <summary>Settings for ordinary requests (HTTP/2).</summary>
    public ForwarderRequestConfig Requests { get; }

    /// <summary>Settings for upgrade requests (HTTP/1.1: the upgraded connection is the tunnel).</summary>
    public ForwarderRequestConfig Upgrades { get; }

    public void Dispose() => Invoker.Dispose();
}

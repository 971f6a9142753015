using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// Creates this edge's observer reference once and keeps the observer strongly referenced for the life of the
/// process (Orleans holds it only weakly; a collected observer drops calls silently). Its <see cref="Reference"/>
/// names the data-plane address as soon as that listener is bound.
/// </summary>
internal sealed class EdgeIdentity
{
    private readonly EdgeObserver _observer;
    private readonly EdgeEndpoints _endpoints;
    private readonly EdgeOptions _options;
    private readonly Lazy<IEdgeObserver> _observerReference;
    private EdgeRef? _reference;

    public EdgeIdentity(IGrainFactory grains, EdgeObserver observer, EdgeEndpoints endpoints, IOptions<EdgeOptions> options)
    {
        _observer = observer;
        _endpoints = endpoints;
        _options = options.Value;
        EdgeId = _options.EdgeId ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
        _observerReference = new Lazy<IEdgeObserver>(() => grains.CreateObjectReference<IEdgeObserver>(_observer));
    }

    public string EdgeId { get; }

    /// <summary>This edge as grains see it (without a data-plane address only before the listener is bound).</summary>
    public EdgeRef Reference
    {
        get
        {
            if (_reference is { } bound)
            {
                return bound;
            }

            if (!_endpoints.DataPlaneBound)
            {
                return new EdgeRef(EdgeId, _observerReference.Value);
            }

            var url = DataPlaneUrl();
            var upgrades = new UriBuilder(url) { Port = _options.DataPlaneAdvertiseUrl is null ? _endpoints.DataPlaneUpgradeEndPoint.Port : _options.DataPlaneUpgradePort };
            return _reference = new EdgeRef(EdgeId, _observerReference.Value, url, upgrades.Uri.GetLeftPart(UriPartial.Authority));
        }
    }

    private string DataPlaneUrl()
    {
        if (_options.DataPlaneAdvertiseUrl is { } configured)
        {
            return configured.TrimEnd('/');
        }

        var port = _endpoints.DataPlaneEndPoint.Port;
        var bind = IPAddress.Parse(_options.BindAddress);
        var host = bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) ? FirstHostAddress() : bind;
        return host.AddressFamily == AddressFamily.InterNetworkV6 ? $"http://[{host}]:{port}" : $"http://{host}:{port}";
    }

    private static IPAddress FirstHostAddress()
    {
        try
        {
            return Dns.GetHostAddresses(Dns.GetHostName())
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;
        }
        catch (SocketException)
        {
            return IPAddress.Loopback;
        }
    }
}

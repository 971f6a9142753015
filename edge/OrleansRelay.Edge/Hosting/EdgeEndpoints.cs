using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansRelay.Edge.Hosting;

/// <summary>The edge's listeners; after start, their endpoints carry the bound ports (useful with port 0).</summary>
public sealed class EdgeEndpoints
{
    internal ListenOptions? Http { get; set; }

    internal ListenOptions? Device { get; set; }

    internal ListenOptions? DataPlane { get; set; }

    internal ListenOptions? DataPlaneUpgrades { get; set; }

    /// <summary>The bound client API endpoint.</summary>
    public IPEndPoint HttpEndPoint => Http?.IPEndPoint ?? throw new InvalidOperationException("The edge has not started.");

    /// <summary>The bound device endpoint.</summary>
    public IPEndPoint DeviceEndPoint => Device?.IPEndPoint ?? throw new InvalidOperationException("The edge has not started.");

    /// <summary>The bound data-plane endpoint (other edges forward requests for this edge's devices here).</summary>
    public IPEndPoint DataPlaneEndPoint => DataPlane?.IPEndPoint ?? throw new InvalidOperationException("The edge has not started.");

    /// <summary>Whether the data-plane listener has bound its port (with port 0, the real one is known only then).</summary>
    internal bool DataPlaneBound => DataPlane?.IPEndPoint is { Port: > 0 } && DataPlaneUpgrades?.IPEndPoint is { Port: > 0 };

    /// <summary>The bound data-plane endpoint for upgrade requests.</summary>
    public IPEndPoint DataPlaneUpgradeEndPoint => DataPlaneUpgrades?.IPEndPoint ?? throw new InvalidOperationException("The edge has not started.");

    /// <summary>Whether <paramref name="localPort"/> is one of the data-plane listeners'.</summary>
    internal bool IsDataPlanePort(int localPort) =>
        DataPlane?.IPEndPoint?.Port == localPort || DataPlaneUpgrades?.IPEndPoint?.Port == localPort;
}

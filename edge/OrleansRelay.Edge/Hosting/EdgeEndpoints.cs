using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OrleansRelay.Edge.Hosting;

/// <summary>The edge's two listeners; after start, their endpoints carry the bound ports (useful with port 0).</summary>
public sealed class EdgeEndpoints
{
    internal ListenOptions? Http { get; set; }

    internal ListenOptions? Device { get; set; }

    /// <summary>The bound client API endpoint.</summary>
    public IPEndPoint HttpEndPoint => Http?.IPEndPoint ?? throw new InvalidOperationException("The edge has not started.");

    /// <summary>The bound device endpoint.</summary>
    public IPEndPoint DeviceEndPoint => Device?.IPEndPoint ?? throw new InvalidOperationException("The edge has not started.");
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using OrleansRelay.Edge.Connections;

namespace OrleansRelay.Edge.Http;

/// <summary><c>/healthz</c> (the process serves HTTP) and <c>/readyz</c> (the cluster client is connected and the edge accepts devices).</summary>
internal static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => Results.Text("ok"));

        // Kestrel opens its ports only after the Orleans client (or embedded silo) has started, so serving at all
        // means connected; the body says how many devices this edge holds. Once shutdown begins the edge answers 503,
        // so load balancers stop sending clients and devices while it drains.
        routes.MapGet("/readyz", (DeviceSessionRegistry registry, EdgeIdentity identity, IHostApplicationLifetime lifetime) =>
            lifetime.ApplicationStopping.IsCancellationRequested
                ? Results.Text($"stopping edge={identity.EdgeId} devices={registry.Count}", statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text($"ready edge={identity.EdgeId} devices={registry.Count}"));
    }
}

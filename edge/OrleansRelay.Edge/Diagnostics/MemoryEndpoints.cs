using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansRelay.Edge.Http;
using OrleansRelay.Silo.Diagnostics;

namespace OrleansRelay.Edge.Diagnostics;

/// <summary>
/// <c>POST /v1/admin/diagnostics/memory</c> (admin key): a full GC, then the edge's managed heap and RSS
/// (<see cref="MemoryDiagnostics"/>). In embedded mode the figures include the co-hosted silo.
/// </summary>
internal static class MemoryEndpoints
{
    public const string Path = "/v1/admin/diagnostics/memory";

    public static void MapMemoryDiagnostics(this IEndpointRouteBuilder routes) =>
        routes.MapPost(Path, () => Results.Json(MemoryDiagnostics.Collect(), MemoryJsonContext.Default.MemoryReport))
            .AddEndpointFilter<AdminKeyFilter>();
}

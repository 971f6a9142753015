using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// Refuses (400) a request whose raw target starts under <c>/v1/devices/</c> but whose dot segments (<c>..</c>,
/// <c>%2e%2e</c>) climb above a device's relay root. Kestrel resolves them before routing, so without this guard
/// <c>/v1/devices/a/api/../../b/api/x</c> would be routed to device b and <c>…/api/../../../admin/…</c> to an edge
/// endpoint: a request that names one device's API must stay in it.
/// </summary>
internal static class RelayRootGuard
{
    public static IApplicationBuilder UseRelayRootGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
            if (raw is not null && DevicePathCheck.ClimbsAboveRelayRoot(raw))
            {
                await RelayErrors.Json(StatusCodes.Status400BadRequest, "The path may not climb above the device's API root.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// The browser dashboard: <c>/</c> and its files under <c>/dashboard/</c>, embedded in the edge (the SignalR client
/// from the npm package the build installs). The page itself is public; everything it shows needs the operator key.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["dashboard.css"] = "text/css; charset=utf-8",
        ["dashboard.js"] = "text/javascript; charset=utf-8",
        ["signalr.min.js"] = "text/javascript; charset=utf-8",
        ["uplot.min.js"] = "text/javascript; charset=utf-8",
        ["uplot.min.css"] = "text/css; charset=utf-8",
        ["fleet.js"] = "text/javascript; charset=utf-8",
        ["device.js"] = "text/javascript; charset=utf-8",
        ["charts.js"] = "text/javascript; charset=utf-8",
        ["consent.html"] = "text/html; charset=utf-8",
        ["consent.js"] = "text/javascript; charset=utf-8",
        ["grants.js"] = "text/javascript; charset=utf-8",
        ["webhooks.js"] = "text/javascript; charset=utf-8",
        ["icon.svg"] = "image/svg+xml",
    };

    public static void MapDashboard(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", (HttpContext context) => ServeAsync(context, "index.html"));
        routes.MapGet("/dashboard/{file}", (HttpContext context, string file) => ServeAsync(context, file));
    }

    /// <summary>Serves the embedded file <paramref name="file"/> (404 when it is not one of the dashboard's).</summary>
    public static async Task ServeAsync(HttpContext context, string file)
    {
        if (!ContentTypes.TryGetValue(file, out var contentType)
            || typeof(DashboardEndpoints).Assembly.GetManifestResourceStream($"dashboard/{file}") is not { } content)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await using (content)
        {
            context.Response.ContentType = contentType;
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; frame-ancestors 'none'";
            await content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}

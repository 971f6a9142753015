using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.SiloHost;

/// <summary>
/// Puts the operator's pages (<c>/dashboard</c>, <c>/metrics</c>, <c>/diagnostics</c>) behind <c>Silo:AdminKey</c>. Browsers get a Basic
/// challenge (any user name, the key as password); scrapers send <c>Authorization: Bearer</c>. Without a configured
/// key the pages stay closed.
/// </summary>
internal static partial class OperatorGate
{
    public static void UseOperatorGate(this WebApplication app, string? adminKey, params string[] prefixes)
    {
        var key = new OperatorKey(adminKey);
        if (!key.IsConfigured)
        {
            Log.NoKey(app.Logger, string.Join(", ", prefixes));
        }

        app.Use(async (context, next) =>
        {
            if (!prefixes.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                await next(context);
                return;
            }

            var presented = OperatorKey.Presented(context.Request.Headers[OperatorKey.HeaderName], context.Request.Headers.Authorization);
            if (key.Matches(presented))
            {
                await next(context);
                return;
            }

            Log.Unauthorized(app.Logger, context.Request.Path, context.Connection.RemoteIpAddress?.ToString(), presented.Length > 0);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"OrleansRelay silo\", charset=\"UTF-8\"";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"error\":401,\"message\":\"Unauthorized\"}");
        });
    }

    private static partial class Log
    {
        [LoggerMessage(5000, LogLevel.Warning, "Silo:AdminKey is not set: {Paths} stay closed (401) until it is")]
        public static partial void NoKey(ILogger logger, string paths);

        [LoggerMessage(5001, LogLevel.Warning, "Unauthorized request for {Path} from {RemoteIp} (key presented: {KeyPresented})")]
        public static partial void Unauthorized(ILogger logger, PathString path, string? remoteIp, bool keyPresented);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Edge.Http;

/// <summary>Admits a request only with the operator key in <c>X-Admin-Key</c>; anything else is 401 with the standard body.</summary>
internal sealed partial class AdminKeyFilter : IEndpointFilter
{
    public const string HeaderName = OperatorKey.HeaderName;

    private readonly OperatorKey _key;
    private readonly ILogger<AdminKeyFilter> _logger;

    public AdminKeyFilter(OperatorKey key, ILogger<AdminKeyFilter> logger)
    {
        // One instance per edge (endpoint filters are created per request): the key is hashed once, not per request.
        _key = key;
        _logger = logger;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsAuthorized(context.HttpContext) ? await next(context) : RelayErrors.Json(StatusCodes.Status401Unauthorized, "Unauthorized");

    /// <summary>Whether the request carries the admin key (see <see cref="OperatorKey.Presented"/>). Logs refusals.</summary>
    public bool IsAuthorized(HttpContext http)
    {
        var presented = OperatorKey.Presented(http.Request.Headers[HeaderName], http.Request.Headers.Authorization);
        if (_key.Matches(presented))
        {
            return true;
        }

        Log.Unauthorized(_logger, http.Request.Method, http.Request.Path, http.Connection.RemoteIpAddress?.ToString(), presented.Length > 0);
        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(3000, LogLevel.Warning, "Unauthorized {Method} {Path} from {RemoteIp} (key presented: {KeyPresented})")]
        public static partial void Unauthorized(ILogger logger, string method, PathString path, string? remoteIp, bool keyPresented);
    }
}

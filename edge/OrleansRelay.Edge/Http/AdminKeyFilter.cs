using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Http;

/// <summary>Admits a request only with the operator key in <c>X-Admin-Key</c>; anything else is 401 with the standard body.</summary>
internal sealed partial class AdminKeyFilter : IEndpointFilter
{
    public const string HeaderName = "X-Admin-Key";

    private readonly SharedKey _key;
    private readonly ILogger<AdminKeyFilter> _logger;

    public AdminKeyFilter(IOptions<EdgeOptions> options, ILogger<AdminKeyFilter> logger)
    {
        _key = new SharedKey(options.Value.AdminKey);
        _logger = logger;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsAuthorized(context.HttpContext) ? await next(context) : RelayErrors.Json(StatusCodes.Status401Unauthorized, "Unauthorized");

    /// <summary>
    /// Whether the request carries the admin key, in <c>X-Admin-Key</c> or (for scrapers that can only send that)
    /// as <c>Authorization: Bearer</c>. Logs refusals.
    /// </summary>
    public bool IsAuthorized(HttpContext http)
    {
        var presented = http.Request.Headers[HeaderName].ToString();
        if (presented.Length == 0 && http.Request.Headers.Authorization.ToString() is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = authorization["Bearer ".Length..].Trim();
        }

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

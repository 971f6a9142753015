using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Edge.Http;

/// <summary>Admits factory registrations only with <c>Edge:FactoryKey</c> in <c>X-Factory-Key</c>; 404 when no factory key is configured.</summary>
internal sealed partial class FactoryKeyFilter : IEndpointFilter
{
    public const string HeaderName = "X-Factory-Key";

    private readonly OperatorKey _key;
    private readonly ILogger<FactoryKeyFilter> _logger;

    public FactoryKeyFilter(IOptions<EdgeOptions> options, ILogger<FactoryKeyFilter> logger)
    {
        _key = new OperatorKey(options.Value.FactoryKey);
        _logger = logger;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!_key.IsConfigured)
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Factory provisioning is not enabled on this relay (Edge:FactoryKey).");
        }

        var presented = http.Request.Headers[HeaderName].ToString();
        if (_key.Matches(presented))
        {
            return await next(context);
        }

        Log.Unauthorized(_logger, http.Connection.RemoteIpAddress?.ToString(), presented.Length > 0);
        return RelayErrors.Json(StatusCodes.Status401Unauthorized, "Unauthorized");
    }

    private static partial class Log
    {
        [LoggerMessage(3010, LogLevel.Warning, "Unauthorized factory registration from {RemoteIp} (key presented: {KeyPresented})")]
        public static partial void Unauthorized(ILogger logger, string? remoteIp, bool keyPresented);
    }
}

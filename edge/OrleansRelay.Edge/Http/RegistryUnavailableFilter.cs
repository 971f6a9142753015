using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Edge.Http;

/// <summary>Operator calls that need the registry's storage answer 503 with the reason when it is down, never 500.</summary>
internal sealed partial class RegistryUnavailableFilter(ILogger<RegistryUnavailableFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Besides our RegistryUnavailableException, a grain whose state cannot be read fails its activation with
            // the storage provider's own exception (a MySqlException has no Orleans codec and arrives in another
            // form): every failure of a registry call is reported as the registry being unavailable, with its type logged.
            Log.Unavailable(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, ex.GetType().Name, ex.Message);
            context.HttpContext.Response.Headers.RetryAfter = "5";
            return RelayErrors.Json(StatusCodes.Status503ServiceUnavailable, $"The device registry is unavailable; retry later. ({ex.Message})");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3200, LogLevel.Error, "{Method} {Path}: device registry unavailable ({Exception}): {Detail}")]
        public static partial void Unavailable(ILogger logger, string method, PathString path, string exception, string detail);
    }
}

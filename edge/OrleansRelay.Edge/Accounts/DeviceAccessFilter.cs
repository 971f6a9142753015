using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.Accounts;

/// <summary>Lets a request on <c>/v1/devices/{deviceId}/…</c> through only if <see cref="DeviceAccess"/> admits its caller; else 404.</summary>
internal sealed class DeviceAccessFilter : IEndpointFilter
{
    private readonly DeviceAccess _access;

    public DeviceAccessFilter(DeviceAccess access)
    {
        _access = access;
    }

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var deviceId = http.GetRouteValue("deviceId") as string ?? string.Empty;
        return await _access.CanAccessAsync(http, deviceId)
            ? await next(context)
            : RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
    }
}

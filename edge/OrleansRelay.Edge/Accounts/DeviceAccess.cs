using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using OrleansRelay.Edge.DataPlane;
using OrleansRelay.Edge.OAuth;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Accounts;

/// <summary>
/// Who may reach which device: an operator any device; a signed-in user only the devices whose hello names the
/// user's (confirmed) address. The one check the relay, the event streams, device-side auth and the hub share.
/// Callers answer a refusal with 404, exactly as for an unknown device. The owner comes with the device's route
/// (<see cref="DeviceRoutes"/>, kept per edge and pushed by the grain), so a repeated check makes no cluster call.
/// </summary>
public sealed class DeviceAccess
{
    private readonly DeviceRoutes _routes;

    internal DeviceAccess(DeviceRoutes routes)
    {
        _routes = routes;
    }

    /// <summary>Whether the authenticated caller of <paramref name="context"/> may reach <paramref name="deviceId"/>.</summary>
    public Task<bool> CanAccessAsync(HttpContext context, string deviceId) => CanAccessAsync(context.User, deviceId);

    /// <summary>Whether <paramref name="user"/> (as the relay's authentication scheme made it) may reach <paramref name="deviceId"/>.</summary>
    public async Task<bool> CanAccessAsync(ClaimsPrincipal user, string deviceId)
    {
        if (IsOperator(user))
        {
            return true;
        }

        if (Email(user) is not { } email || !DeviceIds.IsValid(deviceId))
        {
            return false;
        }

        if (!IsConsented(user, deviceId))
        {
            return false;
        }

        var route = await _routes.ResolveAsync(deviceId);
        return route.Registered && string.Equals(route.Owner, email, StringComparison.Ordinal);
    }

    /// <summary>
    /// Whether <paramref name="deviceId"/> is within what the caller may ask for: any of the user's devices with a
    /// session token; only the devices the user consented to when an OAuth client acts for the user.
    /// </summary>
    public static bool IsConsented(ClaimsPrincipal user, string deviceId) =>
        user.FindFirst(OAuthClaims.Client) is null
        || user.FindAll(OAuthClaims.Device).Any(claim => string.Equals(claim.Value, deviceId, StringComparison.Ordinal));

    /// <summary>Whether the caller authenticated with the operator key.</summary>
    public static bool IsOperator(ClaimsPrincipal user) => user.Identity?.IsAuthenticated == true && user.IsInRole(RelayClaims.OperatorRole);

    /// <summary>The signed-in user's address (null for operators and anonymous callers).</summary>
    public static string? Email(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirst(RelayClaims.Email)?.Value : null;
}

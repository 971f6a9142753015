using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace OrleansRelay.Edge.Accounts;

/// <summary>Puts a device's endpoints behind the relay's authentication and <see cref="DeviceAccess"/>.</summary>
internal static class DeviceAccessExtensions
{
    /// <summary>401 without valid credentials; 404 for a device the caller may not reach.</summary>
    public static TBuilder RequireDeviceAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(RelayClaims.UserOrOperatorPolicy).AddEndpointFilter<TBuilder, DeviceAccessFilter>();
}

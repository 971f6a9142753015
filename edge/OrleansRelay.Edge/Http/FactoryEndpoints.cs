using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// Factory provisioning (factory key): a factory station registers a new device and receives its secret, once, to
/// write into the device's identity file. It cannot rotate, read or delete devices: an existing id is 409.
/// </summary>
internal static class FactoryEndpoints
{
    public static void MapFactory(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/v1/factory/devices")
            .AddEndpointFilter<FactoryKeyFilter>()
            .AddEndpointFilter<RegistryUnavailableFilter>()
            .MapPost("/", (ProvisionDeviceRequest? body, IGrainFactory grains) =>
                DeviceRegistration.RegisterAsync(body, grains, "The device is already registered; a factory cannot re-register it (ask an operator)."));
}

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Http;

/// <summary>Operator API (admin key): provision devices, rotate secrets, inspect and deregister devices.</summary>
internal static class AdminEndpoints
{
    public static void MapAdmin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/admin/devices")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<RegistryUnavailableFilter>();
        group.MapPost("/", ProvisionAsync);
        group.MapPost("/{deviceId}/secret", RotateAsync);
        group.MapGet("/{deviceId}", GetAsync);
        group.MapDelete("/{deviceId}", DeleteAsync);
        group.MapGet("/{deviceId}/cache", GetCacheAsync);
        group.MapDelete("/{deviceId}/cache", PurgeCacheAsync);
        // Checks an operator key without touching anything (the dashboard's sign-in): 204, or 401 from the filter.
        routes.MapGet("/v1/admin/key", () => Results.NoContent()).AddEndpointFilter<AdminKeyFilter>();
    }

    private static async Task<IResult> GetCacheAsync(string deviceId, IGrainFactory grains)
    {
        if (!await IsRegisteredAsync(deviceId, grains))
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
        }

        var cache = await grains.GetGrain<IDeviceGrain>(deviceId).GetCache();
        return Results.Json(
            new CacheView(
                cache.Bytes,
                cache.Evictions,
                [.. cache.Entries.Select(e => new CacheEntryJson(e.Uri, e.Variant, e.Bytes, (long)e.Age.TotalSeconds, Math.Max(0, (long)e.FreshFor.TotalSeconds), e.ETag))]),
            AdminJsonContext.Default.CacheView);
    }

    private static async Task<IResult> PurgeCacheAsync(string deviceId, IGrainFactory grains)
    {
        if (!await IsRegisteredAsync(deviceId, grains))
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
        }

        var removed = await grains.GetGrain<IDeviceGrain>(deviceId).PurgeCache();
        return Results.Json(new PurgeResult(removed), AdminJsonContext.Default.PurgeResult);
    }

    private static async Task<bool> IsRegisteredAsync(string deviceId, IGrainFactory grains) =>
        DeviceIds.IsValid(deviceId) && (await grains.GetGrain<IDeviceGrain>(deviceId).GetStatus()).Registered;

    private static Task<IResult> ProvisionAsync(ProvisionDeviceRequest? body, IGrainFactory grains) =>
        DeviceRegistration.RegisterAsync(body, grains, "The device is already provisioned; rotate its secret with POST /v1/admin/devices/{deviceId}/secret.");

    private static async Task<IResult> RotateAsync(string deviceId, IGrainFactory grains)
    {
        if (!DeviceIds.IsValid(deviceId) || !(await grains.GetGrain<IDeviceGrain>(deviceId).GetStatus()).Registered)
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
        }

        var result = await grains.GetGrain<IDeviceGrain>(deviceId).Provision(null, rotateSecret: true);
        return Results.Json(new ProvisionedDevice(deviceId, result.Secret!), AdminJsonContext.Default.ProvisionedDevice);
    }

    private static async Task<IResult> GetAsync(string deviceId, IGrainFactory grains)
    {
        if (!DeviceIds.IsValid(deviceId))
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
        }

        var status = await grains.GetGrain<IDeviceGrain>(deviceId).GetStatus();
        return status.Registered
            ? Results.Json(
                new DeviceView(status.DeviceId, status.Name, status.Online, status.EdgeId, status.ConnectedAt, status.RegisteredAt, status.Online ? status.Epoch : null),
                AdminJsonContext.Default.DeviceView)
            : RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
    }

    private static async Task<IResult> DeleteAsync(string deviceId, IGrainFactory grains)
    {
        if (!DeviceIds.IsValid(deviceId) || !await grains.GetGrain<IDeviceGrain>(deviceId).Deregister())
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
        }

        return Results.NoContent();
    }
}

/// <summary>Body of <c>POST /v1/admin/devices</c>.</summary>
internal sealed record ProvisionDeviceRequest(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("name")] string? Name);

/// <summary>The one response that ever carries a device secret.</summary>
internal sealed record ProvisionedDevice(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("secret")] string Secret);

/// <summary>A device as operators see it.</summary>
internal sealed record DeviceView(
    [property: JsonPropertyName("deviceId")] string DeviceId,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("online")] bool Online,
    [property: JsonPropertyName("edgeId")] string? EdgeId,
    [property: JsonPropertyName("connectedAt")] DateTimeOffset? ConnectedAt,
    [property: JsonPropertyName("registeredAt")] DateTimeOffset? RegisteredAt,
    [property: JsonPropertyName("epoch")] long? Epoch);

/// <summary>A device's cache for operators.</summary>
internal sealed record CacheView(
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("evictions")] long Evictions,
    [property: JsonPropertyName("entries")] CacheEntryJson[] Entries);

/// <summary>One cached representation for operators.</summary>
internal sealed record CacheEntryJson(
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("ageSeconds")] long AgeSeconds,
    [property: JsonPropertyName("freshForSeconds")] long FreshForSeconds,
    [property: JsonPropertyName("etag")] string ETag);

/// <summary>Result of a cache purge.</summary>
internal sealed record PurgeResult([property: JsonPropertyName("removed")] int Removed);

[JsonSerializable(typeof(CacheView))]
[JsonSerializable(typeof(PurgeResult))]
[JsonSerializable(typeof(ProvisionDeviceRequest))]
[JsonSerializable(typeof(ProvisionedDevice))]
[JsonSerializable(typeof(DeviceView))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;

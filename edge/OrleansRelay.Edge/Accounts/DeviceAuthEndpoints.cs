using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansRelay.Contracts.Grains;
using OrleansRelay.Edge.DataPlane;
using OrleansRelay.Edge.Relaying;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.Accounts;

/// <summary>
/// <c>POST /v1/devices/{deviceId}/auth</c>: relays the user's device credentials (the body, as is) to the device's
/// <c>apiAuthPath</c> and returns the device's answer, whose token the client then sends in
/// <c>X-Device-Authorization</c>. Nothing of it is stored or cached by the relay.
/// </summary>
internal static partial class DeviceAuthEndpoints
{
    public static void MapDeviceAuth(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/v1/devices/{deviceId}/auth", AuthAsync).RequireDeviceAccess().RequireRateLimiting(AccountEndpoints.SignInRateLimit);

    private static async Task<IResult> AuthAsync(HttpContext context, string deviceId, IGrainFactory grains, BufferedDeviceRequests devices, IOptions<EdgeOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(DeviceAuthEndpoints));
        var grain = grains.GetGrain<IDeviceGrain>(deviceId);
        var ownership = await grain.GetOwnership();
        if (!ownership.Registered)
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "Unknown device.");
        }

        if (ownership.ApiAuthPath is not { } path)
        {
            return RelayErrors.Json(StatusCodes.Status404NotFound, "The device does not authenticate its API (its device info names no apiAuthPath).");
        }

        var body = await RequestBodyReader.ReadAsync(context, 64 * 1024);
        if (body is null)
        {
            return RelayErrors.Json(StatusCodes.Status413PayloadTooLarge, "Device credentials are limited to 64 KiB.");
        }

        var headers = new List<KeyValuePair<string, string>> { new("Cache-Control", "no-store") };
        foreach (var name in new[] { "Content-Type", "Accept" })
        {
            if (context.Request.Headers[name].ToString() is { Length: > 0 } value)
            {
                headers.Add(new(name, value));
            }
        }

        var response = await devices.SendAsync(deviceId, new RelayRequest("POST", path, [.. headers], body, options.Value.DeviceRequestTimeout), 1024 * 1024, context.RequestAborted);
        if (response.Error != RelayError.None)
        {
            Log.Failed(logger, deviceId, response.Error);
            return RelayErrors.Json(RelayErrors.StatusFor(response.Error), response.ErrorMessage ?? response.Error.ToString());
        }

        Log.Relayed(logger, deviceId, response.Status);
        context.Response.Headers.CacheControl = "no-store";
        var contentType = response.Headers.FirstOrDefault(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)).Value;
        return new DeviceAnswer(response.Status, contentType, response.Body);
    }

    /// <summary>The device's answer as it was: status, content type and body.</summary>
    private sealed class DeviceAnswer(int status, string? contentType, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            if (contentType is not null)
            {
                response.ContentType = contentType;
            }

            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4130, LogLevel.Information, "Device auth for {DeviceId} relayed: device answered {Status}")]
        public static partial void Relayed(ILogger logger, string deviceId, int status);

        [LoggerMessage(4131, LogLevel.Information, "Device auth for {DeviceId} failed: {Error}")]
        public static partial void Failed(ILogger logger, string deviceId, RelayError error);
    }
}

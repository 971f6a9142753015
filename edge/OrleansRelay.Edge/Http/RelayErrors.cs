using Microsoft.AspNetCore.Http;
using OrleansRelay.Edge.Relaying;

namespace OrleansRelay.Edge.Http;

/// <summary>The client-facing error contract: a status and <c>{"error":status,"message":"..."}</c>.</summary>
internal static class RelayErrors
{
    public static IResult Json(int status, string message) =>
        Results.Json(new ErrorBody(status, message), ErrorBodyJsonContext.Default.ErrorBody, statusCode: status);

    public static int StatusFor(RelayError error) => error switch
    {
        RelayError.UnknownDevice => StatusCodes.Status404NotFound,
        RelayError.DeviceOffline => StatusCodes.Status503ServiceUnavailable,
        RelayError.DeviceTimeout => StatusCodes.Status504GatewayTimeout,
        RelayError.RequestTooLarge => StatusCodes.Status413PayloadTooLarge,
        RelayError.UpgradeNotSupported => StatusCodes.Status501NotImplemented,
        RelayError.BadClientBody => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status502BadGateway,
    };
}
